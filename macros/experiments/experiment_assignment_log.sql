{#- The logged-assignments file: var('assignments_path') when set (env ASSIGNMENTS_PATH), else
    the events file's name with its extension replaced by '.assignments.parquet'. -#}
{% macro experiment_assignments_path() -%}
    {%- set configured = var('assignments_path', '') -%}
    {%- if configured -%}{{ return(configured) }}{%- endif -%}
    {%- set events = var('events_path') -%}
    {%- set lowered = events | lower -%}
    {%- set stem = events -%}
    {%- if lowered.endswith('.csv.gz') -%}
        {%- set stem = events[:-7] -%}
    {%- elif lowered.endswith('.parquet') -%}
        {%- set stem = events[:-8] -%}
    {%- elif lowered.endswith('.csv') or lowered.endswith('.tsv') -%}
        {%- set stem = events[:-4] -%}
    {%- endif -%}
    {{ return(stem ~ '.assignments.parquet') }}
{%- endmacro %}


{#- True when a file (or glob) exists; false while dbt is only parsing (file_exists). -#}
{% macro experiment_file_exists(path) -%}
    {{ return(file_exists(path)) }}
{%- endmacro %}
