{{ config(materialized='view') }}

{#- The assignment log of logged experiments exactly as read, with its location (file, row).
    When the file does not exist the model is empty: logged experiments then have no
    assignments (and no exposures), which is not an error. -#}
{%- set path = experiment_assignments_path() -%}
{%- set file_exists = experiment_file_exists(path) -%}
{%- set file_columns = events_file_columns(path) if file_exists else {} -%}
{%- if execute and file_exists -%}
    {%- for required in ['experiment_id', 'user_id', 'variant'] -%}
        {%- if required not in file_columns -%}
            {{ exceptions.raise_compiler_error(
                "The assignments file " ~ path ~ " has no column '" ~ required ~ "'. An "
                ~ "assignment log needs experiment_id, user_id and variant (assigned_at is "
                ~ "optional; see README, Experiments). Columns found: "
                ~ (file_columns.keys() | list | join(', '))) }}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

{%- set row_number_expression = 'row_number() over ()' if is_csv_path(path)
    else 'file_row_number + 1' -%}
{%- set assigned_at_expression = 'assigned_at' if 'assigned_at' in file_columns
    else 'cast(null as varchar)' -%}
{%- if file_exists -%}
    {%- set source_relation = read_events_file(path) -%}
{%- else -%}
    {#- No file: an empty relation with the same columns. -#}
    {%- set source_relation = "(select cast(null as varchar) as filename, 0 as file_row_number, "
        ~ "cast(null as varchar) as experiment_id, cast(null as varchar) as user_id, "
        ~ "cast(null as varchar) as variant, cast(null as varchar) as assigned_at limit 0)" -%}
    {%- set row_number_expression = 'file_row_number + 1' -%}
    {%- set assigned_at_expression = 'assigned_at' -%}
{%- endif %}

with

source_file as (
    select * from {{ source_relation }}
),

final as (
    select
        filename as source_file,
        {{ row_number_expression }} as source_row_number,
        experiment_id,
        user_id,
        variant,
        {{ assigned_at_expression }} as assigned_at
    from source_file
)

select * from final
