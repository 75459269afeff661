-- Nothing is silently lost: every raw row is a clean event, a quarantined row or a removed
-- duplicate. Returns a row (and fails) when the counts do not add up.
with

raw_rows as (
    select count(*) as row_count from {{ ref('stg_clickstream__raw_events') }}
),

clean_rows as (
    select count(*) as row_count from {{ ref('stg_clickstream__events') }}
),

quarantined_rows as (
    select count(*) as row_count from {{ ref('stg_clickstream__quarantined_events') }}
),

duplicate_rows as (
    select count(*) as row_count from {{ ref('stg_clickstream__duplicate_events') }}
),

final as (
    select
        raw_rows.row_count as raw_rows,
        clean_rows.row_count as clean_rows,
        quarantined_rows.row_count as quarantined_rows,
        duplicate_rows.row_count as duplicate_rows
    from raw_rows
    cross join clean_rows
    cross join quarantined_rows
    cross join duplicate_rows
)

select * from final
where raw_rows != clean_rows + quarantined_rows + duplicate_rows
