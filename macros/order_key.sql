{#- What identifies an order: its order_id, or, for a purchase event without one, the event
    itself (the event counts as one order). fct_sessions counts orders and int_orders builds
    them with this one rule. -#}
{% macro order_key(order_id='order_id', event_id='event_id') -%}
    coalesce({{ order_id }}, {{ event_id }})
{%- endmacro %}
