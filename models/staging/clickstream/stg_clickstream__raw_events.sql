{{ config(materialized='view') }}

{#- The raw events of every file under var('events_path') (macro events_files: one file, a
    folder or a glob) in the canonical raw contract, exactly as read, with their location (file,
    row) so that every row can be traced, and the CSV parse check (parse_error). The format is
    var('events_format'), one of var('event_formats'): 'canonical' reads the file here (optional
    canonical columns missing from the file are nulls); any other format through its own
    staging model stg_<format>__events, which maps the source's columns onto the same contract.
    Nothing downstream depends on the format. -#}
{%- set events_format = var('events_format') -%}
{%- set known_formats = var('event_formats') -%}
{%- if events_format not in known_formats -%}
    {{ exceptions.raise_compiler_error(
        "Unknown events format '" ~ events_format ~ "' (var events_format, env var "
        ~ "EVENTS_FORMAT). Use one of: " ~ (known_formats | join(', ')) ~ ".") }}
{%- endif -%}
{%- set raw_columns = ['source_file', 'source_row_number', 'parse_error']
    + canonical_event_columns() -%}

{%- if events_format == 'canonical' -%}
    {%- set files = events_files() -%}
    {%- set read = events_files_columns(files) -%}
    {%- for file in files -%}
        {%- do require_events_file_columns(
            file, read['by_file'][file], ['user_id', 'event_at', 'event_type'], 'canonical') -%}
    {%- endfor -%}
    {%- set source_relation = events_files_rows(files, read) -%}
    {%- set select_list = ['source_file', 'source_row_number', 'parse_error'] -%}
    {%- for column in canonical_event_columns() -%}
        {%- do select_list.append(
            events_file_column(column, read['columns']) ~ ' as ' ~ column) -%}
    {%- endfor -%}
{%- else -%}
    {%- set source_relation = ref('stg_' ~ events_format ~ '__events') -%}
    {%- set select_list = raw_columns -%}
{%- endif %}

with

source_rows as (
    select * from {{ source_relation }}
),

final as (
    select
        {{ select_list | join(',\n        ') }}
    from source_rows
)

select * from final
