{{ config(materialized='view') }}

{#- The raw events file exactly as read, with its location (file, row) so that every row can be
    traced. Optional canonical columns missing from the file are added as nulls. -#}
{%- set path = var('events_path') -%}
{%- set file_columns = events_file_columns(path) -%}
{%- if execute -%}
    {%- for required in ['user_id', 'event_at', 'event_type'] -%}
        {%- if required not in file_columns -%}
            {{ exceptions.raise_compiler_error(
                "The events file " ~ path ~ " has no column '" ~ required ~ "'. The canonical "
                ~ "event contract requires user_id, event_at and event_type (see README). "
                ~ "Columns found: " ~ (file_columns.keys() | list | join(', '))) }}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}
{%- if is_csv_path(path) -%}
    {%- set source_row_number_expression = 'row_number() over ()' -%}
{%- else -%}
    {%- set source_row_number_expression = 'file_row_number + 1' -%}
{%- endif -%}
{%- set canonical_columns = [] -%}
{%- for column in canonical_event_columns() -%}
    {%- set expression = ('"' ~ column ~ '"') if column in file_columns
        else 'cast(null as varchar)' -%}
    {%- do canonical_columns.append(expression ~ ' as ' ~ column) -%}
{%- endfor %}

with

source_file as (
    select * from {{ read_events_file(path) }}
),

final as (
    select
        filename as source_file,
        {{ source_row_number_expression }} as source_row_number,
        {{ canonical_columns | join(',\n        ') }}
    from source_file
)

select * from final
