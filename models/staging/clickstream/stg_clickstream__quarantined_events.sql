{{ config(materialized='view') }}

{#- Raw rows that cannot be used, with the first rule they break and their raw values. -#}
with

validated_events as (
    select * from {{ ref('stg_clickstream__validated_events') }}
),

final as (
    select
        source_file,
        source_row_number,
        load_reason as quarantine_reason,
        parse_error,
        user_id,
        event_at_text,
        event_at,
        source_event_type,
        event_id,
        is_event_id_derived,
        source_session_id,
        item_id,
        order_id,
        revenue_text,
        device,
        channel,
        country
    from validated_events
    where load_outcome = 'quarantined'
)

select * from final
