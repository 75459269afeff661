{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail'
) }}

{#- Clean rows removed as duplicates of an earlier row with the same event_id, with the row
    that was kept and whether the two differ in content (a conflicting re-send).
    Incremental: the duplicates loaded since the last build are appended (with their kept row,
    found through the id hash); loaded rows never change their outcome. -#}
{%- set validated_relation = ref('stg_clickstream__validated_events') %}

with

validated_events as (
    select * from {{ validated_relation }}
),

new_duplicates as (
    select
        event_id,
        _event_id_hash
    from {{ validated_relation }}
    where
        load_outcome = 'duplicate'
        and {{ rewritten_since_last_build() }}
),

rows_sharing_an_id as (
    -- the 8-byte hash narrows the loaded rows to the few candidates; the id decides
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
    where
        validated_events.load_outcome in ('clean', 'duplicate')
        and validated_events._event_id_hash in (
            select new_duplicates._event_id_hash from new_duplicates
        )
        and validated_events.event_id in (select new_duplicates.event_id from new_duplicates)
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
        duplicates.content_hash != kept.content_hash as differs_from_kept_row,
        duplicates._loaded_at
    from duplicates
    inner join kept
        on duplicates.event_id = kept.event_id
    where {{ rewritten_since_last_build('duplicates._loaded_at') }}
)

select * from final
