{{ config(materialized='view') }}

{#- The assignment log of logged experiments exactly as read (with the events-file reader:
    Parquet, or CSV read as text), with its location (file, row) and, for CSV, parse_error
    ('missing_fields' / 'extra_fields'). When the file does not exist the model is empty:
    logged experiments then have no assignments (and no exposures), which is not an error. -#}
{%- set path = experiment_assignments_path() -%}
{%- set file_exists = experiment_file_exists(path) -%}
{%- set file_columns = events_file_columns(path) if file_exists else {} -%}
{%- if execute and file_exists -%}
    {%- for required in ['experiment_id', 'user_id', 'variant'] -%}
        {%- if required not in file_columns -%}
            {{ exceptions.raise_compiler_error(
                "The assignments file " ~ path ~ " has no column '" ~ required ~ "'. An "
                ~ "assignment log needs experiment_id, user_id and variant (assigned_at is "
                ~ "optional; see docs/experiments.md, Logged assignments). Columns found: "
                ~ (file_columns.keys() | list | join(', '))) }}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}
{%- if file_exists -%}
    {%- set source_relation = events_file_rows(path, file_columns) -%}
{%- else -%}
    {#- No file: an empty relation with the same columns. -#}
    {%- set source_relation = "(select cast(null as string) as source_file, "
        ~ "cast(null as bigint) as source_row_number, cast(null as string) as parse_error, "
        ~ "cast(null as string) as experiment_id, cast(null as string) as user_id, "
        ~ "cast(null as string) as variant, cast(null as string) as assigned_at limit 0)" -%}
    {%- do file_columns.update({'experiment_id': 'VARCHAR', 'user_id': 'VARCHAR',
        'variant': 'VARCHAR', 'assigned_at': 'VARCHAR'}) -%}
{%- endif %}

with

source_file as (
    select * from {{ source_relation }}
),

final as (
    select
        source_file,
        source_row_number,
        parse_error,
        experiment_id,
        user_id,
        variant,
        {{ events_file_column('assigned_at', file_columns) }} as assigned_at
    from source_file
)

select * from final
