{#- A raw event time as a naive UTC timestamp, or null when it cannot be parsed.
    Text with an offset or zone name ('...+02:00', '... UTC', '...Z') is converted to UTC;
    text without one is taken to be UTC already (the session time zone is UTC). -#}
{% macro parse_utc_timestamp(column, column_type) -%}
    {%- set column_type = (column_type or 'VARCHAR') | upper -%}
    {%- if column_type == 'TIMESTAMP WITH TIME ZONE' -%}
        timezone('UTC', {{ column }})
    {%- elif column_type.startswith('TIMESTAMP') or column_type == 'DATE' -%}
        cast({{ column }} as timestamp)
    {%- else -%}
        timezone('UTC', try_cast({{ trim_whitespace('cast(' ~ column ~ ' as varchar)') }} as timestamptz))
    {%- endif -%}
{%- endmacro %}
