{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='source_file',
    on_schema_change='fail'
) }}

{#- The load manifest: one row per events file loaded, with its size, fingerprint and first
    load time (stg_clickstream__event_files) and how its rows ended up: raw rows = clean +
    quarantined + duplicates, per file (too_late rows are among the quarantined). A file's
    counts never change once it is loaded (its rows are appended once; later files only add
    duplicates of their own), so an incremental build adds the rows of the files it loaded. -#}
with

event_files as (
    select * from {{ ref('stg_clickstream__event_files') }}
),

validated_events as (
    select * from {{ ref('stg_clickstream__validated_events') }}
    {%- if is_incremental() %}
    where _loaded_at > (select max(loaded._loaded_at) from {{ this }} as loaded)
    {%- endif %}
),

file_counts as (
    select
        source_file,
        count(*) as raw_rows,
        count(*) filter (where load_outcome = 'clean') as clean_rows,
        count(*) filter (where load_outcome = 'quarantined') as quarantined_rows,
        count(*) filter (where load_reason = 'too_late') as too_late_rows,
        count(*) filter (where load_outcome = 'duplicate') as duplicate_rows,
        min(event_at) filter (where load_outcome = 'clean') as first_event_at,
        max(event_at) filter (where load_outcome = 'clean') as last_event_at,
        max(_loaded_at) as _loaded_at
    from validated_events
    group by source_file
),

final as (
    select
        event_files.source_file,
        event_files.file_number,
        event_files.file_size,
        event_files.modified_at,
        event_files.fingerprint,
        event_files.first_loaded_at,
        cast(file_counts.raw_rows as bigint) as raw_rows,
        cast(file_counts.clean_rows as bigint) as clean_rows,
        cast(file_counts.quarantined_rows as bigint) as quarantined_rows,
        cast(file_counts.too_late_rows as bigint) as too_late_rows,
        cast(file_counts.duplicate_rows as bigint) as duplicate_rows,
        file_counts.first_event_at,
        file_counts.last_event_at,
        file_counts._loaded_at
    from event_files
    inner join file_counts
        on event_files.source_file = file_counts.source_file
)

select * from final
