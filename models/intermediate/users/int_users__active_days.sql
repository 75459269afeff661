{#- One row per user and calendar day (UTC) with at least one event: the activity that
    retention, cohorts and daily active users are counted from (one pass over fct_events). -#}
with

events as (
    select * from {{ ref('fct_events') }}
),

final as (
    select
        user_id,
        event_date as activity_date,
        cast(count(*) as integer) as events,
        cast(min(session_number) as integer) as first_session_number,
        min(event_at) as first_event_at,
        cast(count(*) filter (where event_type = 'purchase') as integer) as purchase_events,
        min(event_at) filter (where event_type = 'purchase') as first_purchase_at,
        cast(
            coalesce(sum(revenue) filter (where event_type = 'purchase'), 0) as decimal(18, 2)
        ) as revenue
    from events
    group by user_id, event_date
)

select * from final
