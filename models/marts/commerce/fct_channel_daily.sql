{#- Traffic and sales per day × channel × device (the session's first known channel and device,
    'unknown' when none). Rows exist for segments with at least one session that day. Counts
    add up across rows except users (distinct per row); recompute rates from summed counts.
    Quarter and month roll-ups: analyses/channel_quarterly_trend.sql. -#}
with

segment_days as (
    select * from {{ ref('int_sessions__segment_days') }}
),

final as (
    select
        session_date,
        channel,
        device,
        sessions,
        users,
        new_users,
        bounce_sessions,
        purchasing_sessions,
        orders,
        revenue,
        cast(purchasing_sessions / sessions as double) as conversion_rate,
        cast(bounce_sessions / sessions as double) as bounce_rate,
        cast(revenue / sessions as double) as revenue_per_session,
        cast(revenue / nullif(orders, 0) as double) as average_order_value
    from segment_days
)

select * from final
