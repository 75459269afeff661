-- The load manifest adds up, file by file: raw rows = clean + quarantined + duplicates, the
-- staging rows of the file say the same, and every file under events_path is in the manifest.
-- Returns the files that disagree.
with

loaded_files as (
    select * from {{ ref('dq_loaded_files') }}
),

event_files as (
    select * from {{ ref('stg_clickstream__event_files') }}
),

validated_events as (
    select * from {{ ref('stg_clickstream__validated_events') }}
),

staged_counts as (
    select
        source_file,
        count(*) as raw_rows,
        count(*) filter (where load_outcome = 'clean') as clean_rows,
        count(*) filter (where load_outcome = 'quarantined') as quarantined_rows,
        count(*) filter (where load_outcome = 'duplicate') as duplicate_rows
    from validated_events
    group by source_file
),

final as (
    select
        coalesce(event_files.source_file, loaded_files.source_file) as source_file,
        loaded_files.raw_rows,
        loaded_files.clean_rows,
        loaded_files.quarantined_rows,
        loaded_files.duplicate_rows,
        staged_counts.raw_rows as staged_rows
    from event_files
    full outer join loaded_files
        on event_files.source_file = loaded_files.source_file
    left join staged_counts
        on loaded_files.source_file = staged_counts.source_file
    where
        loaded_files.source_file is null
        or event_files.source_file is null
        or loaded_files.raw_rows
        != loaded_files.clean_rows + loaded_files.quarantined_rows + loaded_files.duplicate_rows
        or loaded_files.raw_rows is distinct from staged_counts.raw_rows
        or loaded_files.clean_rows is distinct from staged_counts.clean_rows
        or loaded_files.quarantined_rows is distinct from staged_counts.quarantined_rows
        or loaded_files.duplicate_rows is distinct from staged_counts.duplicate_rows
)

select * from final
