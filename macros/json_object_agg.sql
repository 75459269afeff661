{#- Aggregate: a JSON object (as text) of `key` -> `value` over the group's rows, in `order_by`
    order, e.g. {"control":203,"treatment":204}. -#}
{% macro json_object_agg(key, value, order_by) -%}
    {{ return(adapter.dispatch('json_object_agg', 'funnelhouse')(key, value, order_by)) }}
{%- endmacro %}

{% macro default__json_object_agg(key, value, order_by) -%}
    cast(to_json(map_from_entries(list(
        struct_pack(k := {{ key }}, v := {{ value }}) order by {{ order_by }}
    ))) as string)
{%- endmacro %}

{#- Spark's maps keep their insertion order, so the entries are sorted before the map is made. -#}
{% macro spark__json_object_agg(key, value, order_by) -%}
    to_json(map_from_entries(transform(
        array_sort(collect_list(struct(
            {{ order_by }} as sort_key, {{ key }} as map_key, {{ value }} as map_value
        ))),
        entry_ -> struct(entry_.map_key, entry_.map_value)
    )))
{%- endmacro %}
