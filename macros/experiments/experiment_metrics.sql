{#- Experiment metrics are data: seeds/metrics.csv (the registry; int_experiment_metrics resolves
    it per experiment). These macros are the one piece of SQL that turns a registry row into a
    per-user value, for every metric alike.

    For each metric window of a user (the metric's window, the pre-exposure window, ...) three
    raw aggregates over the qualifying events are kept, `<prefix>_<aggregate>`:
      events   -- the number of events,
      orders   -- distinct orders (coalesce(order_id, event_id): an event without one counts once),
      revenue  -- the sum of revenue (0 when none).
    A metric's `value` (count | distinct_orders | revenue) picks one of them; a binomial metric is
    1 when the window has at least one event. -#}

{#- value (the registry's word) -> the raw aggregate that carries it. -#}
{% macro experiment_metric_value_aggregates() -%}
    {{ return({'count': 'events', 'distinct_orders': 'orders', 'revenue': 'revenue'}) }}
{%- endmacro %}


{#- What one simulated event adds to each raw aggregate (int_experiment_user_metric_values):
    one event, one new order, and the simulated order value. -#}
{% macro experiment_simulated_event_contribution(revenue) -%}
    {{ return({'events': '1', 'orders': '1', 'revenue': revenue}) }}
{%- endmacro %}


{#- The three raw aggregates over the events where `condition` holds, named <prefix>_<aggregate>;
    for a query grouped by (at least) the user and the metric. -#}
{% macro experiment_metric_aggregates(condition, prefix) -%}
    cast(sum(case when {{ condition }} then 1 else 0 end) as bigint) as {{ prefix }}_events,
    count(distinct case when {{ condition }} then coalesce(order_id, event_id) end)
        as {{ prefix }}_orders,
    coalesce(sum(case when {{ condition }} then revenue end), 0) as {{ prefix }}_revenue
{%- endmacro %}


{#- A metric's per-user value from the raw aggregates with prefix `prefix`: binomial -> 1 when
    there is at least one event, else the aggregate `value_kind` names, as double. -#}
{% macro experiment_metric_value(metric_type, value_kind, prefix) -%}
    case
        when {{ metric_type }} = 'binomial'
            then case when {{ prefix }}_events > 0 then 1.0 else 0.0 end
        {% for kind, aggregate in experiment_metric_value_aggregates().items() -%}
            when {{ value_kind }} = '{{ kind }}' then cast({{ prefix }}_{{ aggregate }} as double)
        {% endfor -%}
    end
{%- endmacro %}


{#- `value` capped at `cap` (null cap = no capping; null value stays null). -#}
{% macro experiment_capped(value, cap) -%}
    case when {{ cap }} is not null and {{ value }} > {{ cap }} then {{ cap }} else {{ value }} end
{%- endmacro %}


{#- A metric's unit: the registry's, else share (binomial), currency (revenue values) or count. -#}
{% macro experiment_metric_unit(unit, metric_type, value_kind) -%}
    coalesce(
        {{ unit }},
        case
            when {{ metric_type }} = 'binomial' then 'share'
            when {{ value_kind }} = 'revenue' then 'currency'
            else 'count'
        end
    )
{%- endmacro %}
