{#- timestamp + a (possibly large) number of microseconds; dbt.dateadd multiplies an interval by
    a 32-bit integer in DuckDB, which overflows beyond about 35 minutes of microseconds. -#}
{% macro add_microseconds(timestamp, microseconds) -%}
    {{ return(adapter.dispatch('add_microseconds', 'funnelhouse')(timestamp, microseconds)) }}
{%- endmacro %}

{% macro default__add_microseconds(timestamp, microseconds) -%}
    {{ dbt.dateadd('microsecond', microseconds, timestamp) }}
{%- endmacro %}

{% macro duckdb__add_microseconds(timestamp, microseconds) -%}
    ({{ timestamp }} + to_microseconds(cast({{ microseconds }} as bigint)))
{%- endmacro %}

{% macro spark__add_microseconds(timestamp, microseconds) -%}
    timestampadd(microsecond, cast({{ microseconds }} as bigint), {{ timestamp }})
{%- endmacro %}
