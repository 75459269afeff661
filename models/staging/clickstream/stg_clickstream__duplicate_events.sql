{{ config(materialized='view') }}

{#- Clean rows removed as duplicates of an earlier row with the same event_id, with the row
    that was kept and whether the two differ in content (a conflicting re-send). -#}
with

validated_events as (
    select * from {{ ref('stg_clickstream__validated_events') }}
),

duplicate_event_ids as (
    select distinct event_id
    from validated_events
    where load_outcome = 'duplicate'
),

rows_sharing_an_id as (
    select
        validated_events.*,
        {{ row_hash([
            'validated_events.user_id', 'validated_events.event_at',
            'validated_events.source_event_type', 'validated_events.source_session_id',
            'validated_events.item_id', 'validated_events.order_id',
            'validated_events.revenue', 'validated_events.device',
            'validated_events.channel', 'validated_events.country'
        ]) }} as content_hash
    from validated_events
    inner join duplicate_event_ids
        on validated_events.event_id = duplicate_event_ids.event_id
    where validated_events.load_outcome in ('clean', 'duplicate')
),

duplicates as (
    select * from rows_sharing_an_id
    where load_outcome = 'duplicate'
),

kept as (
    select * from rows_sharing_an_id
    where load_outcome = 'clean'
),

final as (
    select
        duplicates.source_file,
        duplicates.source_row_number,
        duplicates.event_id,
        duplicates.load_reason as duplicate_reason,
        kept.source_file as kept_source_file,
        kept.source_row_number as kept_source_row_number,
        duplicates.content_hash != kept.content_hash as differs_from_kept_row
    from duplicates
    inner join kept
        on duplicates.event_id = kept.event_id
)

select * from final
