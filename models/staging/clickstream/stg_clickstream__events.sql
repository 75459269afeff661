{{ config(materialized='view') }}

{#- Clean, typed, deduplicated events in the canonical contract: one row per event_id. -#}
with

validated_events as (
    select * from {{ ref('stg_clickstream__validated_events') }}
),

final as (
    select
        event_id,
        user_id,
        event_at,
        event_type,
        source_session_id,
        item_id,
        order_id,
        revenue,
        device,
        channel,
        country,
        is_event_id_derived,
        source_file,
        source_row_number,
        _loaded_at
    from validated_events
    where load_outcome = 'clean'
)

select * from final
