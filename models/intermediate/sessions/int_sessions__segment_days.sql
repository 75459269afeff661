{#- Session counts per session_date × channel × device: the daily KPIs' one definition
    (channel table, KPI anomalies). A session belongs to the day, channel and device it
    started with (fct_sessions). New users are first sessions; a bounce is a one-event
    session; orders and revenue are those of the day's sessions (fct_sessions.orders). -#}
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

final as (
    select
        session_date,
        channel,
        device,
        cast(count(*) as bigint) as sessions,
        cast(count(distinct user_id) as bigint) as users,  -- noqa: RF04
        cast(sum(case when is_first_session then 1 else 0 end) as bigint) as new_users,
        cast(sum(case when event_count = 1 then 1 else 0 end) as bigint) as bounce_sessions,
        cast(sum(case when purchased then 1 else 0 end) as bigint) as purchasing_sessions,
        cast(sum(orders) as bigint) as orders,
        cast(sum(revenue) as decimal(18, 2)) as revenue
    from sessions
    group by session_date, channel, device
)

select * from final
