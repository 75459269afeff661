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

with

{% if file_exists -%}
source_file as (
    select * from {{ read_events_file(path) }}
),

final as (
    select
        filename as source_file,
        {{ 'row_number() over ()' if is_csv_path(path) else 'file_row_number + 1' }}
            as source_row_number,
        experiment_id,
        user_id,
        variant,
        {{ 'assigned_at' if 'assigned_at' in file_columns else 'cast(null as varchar)' }}
            as assigned_at
    from source_file
)
{%- else -%}
no_file as (
    select
        cast(null as varchar) as source_file,
        cast(null as bigint) as source_row_number,
        cast(null as varchar) as experiment_id,
        cast(null as varchar) as user_id,
        cast(null as varchar) as variant,
        cast(null as varchar) as assigned_at
),

final as (
    select * from no_file
    where source_file is not null
)
{%- endif %}

select * from final
