{{ config(materialized='view', enabled=(var('events_format') == 'retailrocket')) }}

{#- RetailRocket events (Kaggle "Retailrocket recommender system dataset", events.csv or a typed
    Parquet copy) mapped onto the canonical raw contract. Built only when
    var('events_format') is 'retailrocket'.
    timestamp (Unix milliseconds, UTC) -> event_at as UTC text; a value that is not a whole number
    of milliseconds in years 1-9999 is passed on as written, so that validation quarantines it
    (unparseable_event_at) instead of losing it. visitorid -> user_id, event (view / addtocart /
    transaction, mapped by the event_type_map seed) -> event_type, itemid -> item_id,
    transactionid -> order_id. The source has no event ids (derived from the content
    downstream), no sessions, prices, devices, channels or countries. -#}
{%- set files = events_files() -%}
{%- set read = events_files_columns(files) -%}
{%- set file_columns = read['columns'] -%}
{%- for file in files -%}
    {%- do require_events_file_columns(
        file, read['by_file'][file], ['timestamp', 'visitorid', 'event'], 'retailrocket') -%}
{%- endfor -%}
{#- Unix milliseconds of 0001-01-01 and 9999-12-31 23:59:59.999 UTC. -#}
{%- set min_unix_ms = -62135596800000 -%}
{%- set max_unix_ms = 253402300799999 -%}

with

source_rows as (
    select * from {{ events_files_rows(files, read) }} as source_rows
),

parsed as (
    select
        *,
        try_cast({{ trim_whitespace('cast(timestamp as string)') }} as bigint) as unix_ms
    from source_rows
),

final as (
    select
        source_file,
        source_row_number,
        parse_error,
        cast(visitorid as string) as user_id,
        case
            when unix_ms between {{ min_unix_ms }} and {{ max_unix_ms }}
                then {{ unix_ms_as_utc_text('unix_ms') }}
            else cast(timestamp as string)
        end as event_at,
        cast(event as string) as event_type,
        cast(null as string) as event_id,
        cast(null as string) as session_id,
        cast({{ events_file_column('itemid', file_columns) }} as string) as item_id,
        cast({{ events_file_column('transactionid', file_columns) }} as string) as order_id,
        cast(null as string) as revenue,
        cast(null as string) as device,
        cast(null as string) as channel,
        cast(null as string) as country
    from parsed
)

select * from final
