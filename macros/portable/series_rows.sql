{#- One row per value of an inclusive series for each row of `relation`: the relation's `carry`
    columns plus `column` running from `start` to `stop` (integers, or dates by day when
    `by_day`). DuckDB unnests generate_series; Spark explodes sequence. -#}
{% macro series_rows(relation, start, stop, column, carry=[], by_day=false) -%}
    {{ return(adapter.dispatch('series_rows', 'funnelhouse')(
        relation, start, stop, column, carry, by_day
    )) }}
{%- endmacro %}

{% macro default__series_rows(relation, start, stop, column, carry, by_day) -%}
    select
        {%- for name in carry %}
        {{ relation }}.{{ name }},
        {%- endfor %}
        {%- if by_day %}
        explode(sequence(cast({{ start }} as date), cast({{ stop }} as date), interval 1 day))
            as {{ column }}
        {%- else %}
        explode(sequence({{ start }}, {{ stop }})) as {{ column }}
        {%- endif %}
    from {{ relation }}
{%- endmacro %}

{% macro duckdb__series_rows(relation, start, stop, column, carry, by_day) -%}
    select
        {%- for name in carry %}
        {{ relation }}.{{ name }},
        {%- endfor %}
        {%- if by_day %}
        cast(series.series_value as date) as {{ column }}
        {%- else %}
        cast(series.series_value as bigint) as {{ column }}
        {%- endif %}
    from {{ relation }}
    cross join lateral unnest(
        {%- if by_day %}
        generate_series(
            cast({{ start }} as timestamp), cast({{ stop }} as timestamp), interval 1 day
        )
        {%- else %}
        generate_series(cast({{ start }} as bigint), cast({{ stop }} as bigint))
        {%- endif %}
    ) as series (series_value)
{%- endmacro %}


{#- One row per integer from `start` to `stop` (inclusive), in an integer column `column`. -#}
{% macro integer_series(start, stop, column) -%}
    {{ return(adapter.dispatch('integer_series', 'funnelhouse')(start, stop, column)) }}
{%- endmacro %}

{% macro default__integer_series(start, stop, column) -%}
    select cast(unnest(range({{ start }}, {{ stop }} + 1)) as integer) as {{ column }}
{%- endmacro %}

{% macro spark__integer_series(start, stop, column) -%}
    select explode(sequence(cast({{ start }} as int), cast({{ stop }} as int))) as {{ column }}
{%- endmacro %}
