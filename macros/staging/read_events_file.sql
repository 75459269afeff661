{#- The DuckDB table function that reads a raw events file (Parquet, or CSV read as text so
    that nothing fails to parse before staging can quarantine it). -#}
{% macro read_events_file(path) -%}
    {%- set quoted = "'" ~ (path | replace("'", "''")) ~ "'" -%}
    {%- if is_csv_path(path) -%}
        read_csv({{ quoted }}, header = true, all_varchar = true, null_padding = true, filename = true)
    {%- else -%}
        read_parquet({{ quoted }}, filename = true, file_row_number = true)
    {%- endif -%}
{%- endmacro %}


{% macro is_csv_path(path) -%}
    {%- set lowered = path | lower -%}
    {{ return(lowered.endswith('.csv') or lowered.endswith('.csv.gz') or lowered.endswith('.tsv')) }}
{%- endmacro %}


{#- Column name -> DuckDB type of a raw events file, read at compile time; {} while parsing. -#}
{% macro events_file_columns(path) -%}
    {%- set columns = {} -%}
    {%- if execute -%}
        {%- set described = run_query('describe select * from ' ~ read_events_file(path)) -%}
        {%- for row in described.rows -%}
            {%- do columns.update({row['column_name'] | lower: row['column_type']}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(columns) }}
{%- endmacro %}


{#- The canonical raw event contract: column name -> required non-null. -#}
{% macro canonical_event_columns() -%}
    {{ return([
        'user_id', 'event_at', 'event_type', 'event_id', 'session_id', 'item_id',
        'order_id', 'revenue', 'device', 'channel', 'country'
    ]) }}
{%- endmacro %}
