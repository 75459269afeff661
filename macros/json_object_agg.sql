{#- Aggregate: a JSON object (as varchar) of `key` -> `value` over the group's rows, in `order_by`
    order, e.g. {"control": 203, "treatment": 204}. DuckDB-specific, kept here so that another
    adapter needs one change. -#}
{% macro json_object_agg(key, value, order_by) -%}
    {{ return(adapter.dispatch('json_object_agg', 'funnelhouse')(key, value, order_by)) }}
{%- endmacro %}

{% macro default__json_object_agg(key, value, order_by) -%}
    cast(to_json(map_from_entries(list(
        struct_pack(k := {{ key }}, v := {{ value }}) order by {{ order_by }}
    ))) as varchar)
{%- endmacro %}
