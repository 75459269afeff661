{#- Elapsed microseconds from start_at to end_at (exact; not a count of boundaries crossed). -#}
{% macro microseconds_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('microseconds_between', 'funnelhouse')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__microseconds_between(start_at, end_at) -%}
    {{ dbt.datediff(start_at, end_at, 'microsecond') }}
{%- endmacro %}

{% macro duckdb__microseconds_between(start_at, end_at) -%}
    (epoch_us({{ end_at }}) - epoch_us({{ start_at }}))
{%- endmacro %}

{% macro spark__microseconds_between(start_at, end_at) -%}
    (unix_micros({{ end_at }}) - unix_micros({{ start_at }}))
{%- endmacro %}
