{#- Lists (DuckDB LIST, Spark ARRAY): the few list operations the models use. -#}


{#- A list of the given SQL expressions. -#}
{% macro list_of(expressions) -%}
    {{ return(adapter.dispatch('list_of', 'funnelhouse')(expressions)) }}
{%- endmacro %}

{% macro default__list_of(expressions) -%}
    [{{ expressions | join(', ') }}]
{%- endmacro %}

{% macro spark__list_of(expressions) -%}
    array({{ expressions | join(', ') }})
{%- endmacro %}


{#- The list with one element added at its end. -#}
{% macro append_to_list(list, element) -%}
    {{ return(adapter.dispatch('append_to_list', 'funnelhouse')(list, element)) }}
{%- endmacro %}

{% macro default__append_to_list(list, element) -%}
    list_append({{ list }}, {{ element }})
{%- endmacro %}

{% macro spark__append_to_list(list, element) -%}
    array_append({{ list }}, {{ element }})
{%- endmacro %}


{#- The list cut or padded with nulls to `length` elements (of type element_type). -#}
{% macro list_resized(list, length, element_type) -%}
    {{ return(adapter.dispatch('list_resized', 'funnelhouse')(list, length, element_type)) }}
{%- endmacro %}

{% macro default__list_resized(list, length, element_type) -%}
    list_resize({{ list }}, {{ length }})
{%- endmacro %}

{% macro spark__list_resized(list, length, element_type) -%}
    slice(
        concat({{ list }}, array_repeat(cast(null as {{ element_type }}), cast({{ length }} as int))),
        1, cast({{ length }} as int)
    )
{%- endmacro %}


{#- A list of `length` nulls of type element_type. -#}
{% macro null_list(length, element_type) -%}
    {{ return(adapter.dispatch('null_list', 'funnelhouse')(length, element_type)) }}
{%- endmacro %}

{% macro default__null_list(length, element_type) -%}
    list_resize(cast([] as {{ element_type }} []), {{ length }})
{%- endmacro %}

{% macro spark__null_list(length, element_type) -%}
    array_repeat(cast(null as {{ element_type }}), cast({{ length }} as int))
{%- endmacro %}


{#- Aggregate: the group's values of `value` as a list, in `order_by` order (one expression;
    ties in an unspecified order). -#}
{% macro ordered_list_agg(value, order_by) -%}
    {{ return(adapter.dispatch('ordered_list_agg', 'funnelhouse')(value, order_by)) }}
{%- endmacro %}

{% macro default__ordered_list_agg(value, order_by) -%}
    list({{ value }} order by {{ order_by }})
{%- endmacro %}

{#- collect_list keeps no order: the values travel with their sort key, sorted afterwards. -#}
{% macro spark__ordered_list_agg(value, order_by) -%}
    transform(
        array_sort(collect_list(struct({{ order_by }} as sort_key, {{ value }} as list_value))),
        entry_ -> entry_.list_value
    )
{%- endmacro %}


{#- Element `index` (1-based) of a list; null when the index is null or out of range. -#}
{% macro list_element(list, index) -%}
    {{ return(adapter.dispatch('list_element', 'funnelhouse')(list, index)) }}
{%- endmacro %}

{% macro default__list_element(list, index) -%}
    {{ list }}[{{ index }}]
{%- endmacro %}

{% macro spark__list_element(list, index) -%}
    try_element_at({{ list }}, cast({{ index }} as int))
{%- endmacro %}

