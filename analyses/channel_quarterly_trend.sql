-- Sessions, orders, revenue and conversion per channel and quarter, with the change from the
-- channel's previous quarter (rates from summed counts, never averaged).
with

channel_daily as (
    select * from {{ ref('fct_channel_daily') }}
),

quarters as (
    select
        channel,
        cast({{ dbt.date_trunc('quarter', 'session_date') }} as date) as quarter_start,
        sum(sessions) as sessions,
        sum(purchasing_sessions) as purchasing_sessions,
        sum(orders) as orders,
        sum(revenue) as revenue
    from channel_daily
    group by channel, cast({{ dbt.date_trunc('quarter', 'session_date') }} as date)
),

final as (
    select
        channel,
        quarter_start,
        sessions,
        orders,
        revenue,
        round(purchasing_sessions / sessions, 4) as conversion_rate,
        round(revenue / sessions, 2) as revenue_per_session,
        round(revenue / nullif(orders, 0), 2) as average_order_value,
        round(
            revenue / nullif(lag(revenue) over channel_quarters, 0) - 1, 4
        ) as revenue_change_vs_previous_quarter
    from quarters
    window channel_quarters as (partition by channel order by quarter_start asc)
)

select * from final
order by channel, quarter_start
