-- The business marts agree with each other and with the core marts: channel totals with the
-- sessions, the KPI series with the channel table, product purchases and revenue with the order
-- lines, cart lines with their orders, the LTV cohorts with the users and buyers, and RFM
-- with the buyers. Returns one row per check that fails.
with

sessions as (
    select
        count(*) as sessions,
        sum(orders) as orders,
        sum(revenue) as revenue
    from {{ ref('fct_sessions') }}
),

channel_daily as (
    select * from {{ ref('fct_channel_daily') }}
),

kpi_anomalies as (
    select * from {{ ref('fct_kpi_anomalies') }}
),

product_daily as (
    select * from {{ ref('fct_product_daily') }}
),

order_items as (
    select * from {{ ref('int_order_items') }}
),

orders as (
    select * from {{ ref('int_orders') }}
),

cohort_ltv as (
    select * from {{ ref('fct_cohort_ltv') }}
),

users as (
    select
        count(*) as users,  -- noqa: RF04
        sum(case when has_purchased then 1 else 0 end) as buyers
    from {{ ref('dim_users') }}
),

rfm as (
    select * from {{ ref('dim_user_rfm') }}
),

channel_totals as (
    select
        sum(sessions) as sessions,
        sum(orders) as orders,
        sum(revenue) as revenue
    from channel_daily
),

channel_days as (
    select
        session_date,
        sum(sessions) as sessions,
        sum(orders) as orders,
        sum(revenue) as revenue
    from channel_daily
    group by session_date
),

kpi_days as (
    select
        date_day,
        sum(case when kpi_name = 'sessions' then kpi_value else 0 end) as sessions,
        sum(case when kpi_name = 'orders' then kpi_value else 0 end) as orders,
        sum(case when kpi_name = 'revenue' then kpi_value else 0 end) as revenue
    from kpi_anomalies
    group by date_day
),

cart_orders as (
    select
        order_items.order_key,
        sum(order_items.revenue) as line_revenue,
        max(orders.revenue) as order_revenue
    from order_items
    inner join orders
        on order_items.order_key = orders.order_key
    where order_items.item_source = 'cart'
    group by order_items.order_key
),

cohort_ends as (
    select
        acquisition_month,
        max(cohort_size) as cohort_size,
        max(cumulative_buyers) as cumulative_buyers
    from cohort_ltv
    group by acquisition_month
),

checks as (
    select
        'channel totals = sessions' as check_name,
        channel_totals.sessions = sessions.sessions
        and channel_totals.orders = sessions.orders
        and channel_totals.revenue = sessions.revenue as passed
    from channel_totals
    cross join sessions
    union all
    select
        'kpi series = channel table per day' as check_name,
        count(*) = 0 as passed
    from kpi_days
    left join channel_days
        on kpi_days.date_day = channel_days.session_date
    where
        kpi_days.sessions != coalesce(channel_days.sessions, 0)
        or kpi_days.orders != coalesce(channel_days.orders, 0)
        or abs(kpi_days.revenue - coalesce(channel_days.revenue, 0)) > 0.001
    union all
    select
        'product purchases and revenue = order lines' as check_name,
        (select sum(purchases) from product_daily) = (select count(*) from order_items)
        and (select sum(revenue) from product_daily) = (select sum(revenue) from order_items)
            as passed
    union all
    select
        'cart lines add up to their order' as check_name,
        count(*) = 0 as passed
    from cart_orders
    where line_revenue != order_revenue
    union all
    select
        'ltv cohorts = users, buyers' as check_name,
        sum(cohort_ends.cohort_size) = max(users.users)
        and sum(cohort_ends.cumulative_buyers) = max(users.buyers) as passed
    from cohort_ends
    cross join users
    union all
    select
        'rfm buyers = order buyers' as check_name,
        (select count(*) from rfm) = (select count(distinct user_id) from orders) as passed
)

select * from checks
where not passed
