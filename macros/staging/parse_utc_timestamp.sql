{#- A raw event time as a naive UTC timestamp, or null when it cannot be parsed.
    Text with an offset or zone name ('...+02:00', '... UTC', '...Z') is converted to UTC;
    text without one is taken to be UTC already (the session time zone is UTC). column_type is
    the engine's type of the raw column (column_types); a typed timestamp with a time zone is
    converted to UTC, one without is taken as UTC. -#}
{% macro parse_utc_timestamp(column, column_type) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'funnelhouse')(column, column_type)) }}
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(column, column_type) -%}
    {%- set column_type = (column_type or 'VARCHAR') | upper -%}
    {%- if column_type == 'TIMESTAMP WITH TIME ZONE' -%}
        timezone('UTC', {{ column }})
    {%- elif column_type.startswith('TIMESTAMP') or column_type == 'DATE' -%}
        cast({{ column }} as timestamp)
    {%- else -%}
        timezone('UTC', try_cast({{ trim_whitespace('cast(' ~ column ~ ' as string)') }} as timestamptz))
    {%- endif -%}
{%- endmacro %}

{#- Spark's timestamp is an instant shown in the session time zone (UTC, see profiles.yml), so
    a Parquet timestamp with a time zone is used as is and timestamp_ntz / date are read as UTC
    wall-clock times; text goes through Spark's own timestamp parser (docs/spark.md lists the
    texts it reads differently from DuckDB). -#}
{% macro spark__parse_utc_timestamp(column, column_type) -%}
    {%- set column_type = (column_type or 'string') | lower -%}
    {%- if column_type == 'timestamp' -%}
        {{ column }}
    {%- elif column_type.startswith('timestamp') or column_type == 'date' -%}
        cast({{ column }} as timestamp)
    {%- else -%}
        try_cast({{ trim_whitespace('cast(' ~ column ~ ' as string)') }} as timestamp)
    {%- endif -%}
{%- endmacro %}
