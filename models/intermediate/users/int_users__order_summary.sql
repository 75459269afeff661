{#- One row per buyer (a user with at least one order): order count, revenue, first and last
    order, and the calendar days (UTC) from the last order to the last day of data. The
    inputs of RFM and churn risk. -#}
with

orders as (
    select * from {{ ref('int_orders') }}
),

date_range as (
    select * from {{ ref('int_events__date_range') }}
),

buyers as (
    select
        user_id,
        count(*) as orders,
        sum(revenue) as revenue,
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at,
        max(order_date) as last_order_date
    from orders
    group by user_id
),

final as (
    select
        buyers.user_id,
        cast(buyers.orders as integer) as orders,
        cast(buyers.revenue as decimal(18, 2)) as revenue,
        buyers.first_ordered_at,
        buyers.last_ordered_at,
        buyers.last_order_date,
        cast(
            {{ dbt.datediff('buyers.last_order_date', 'date_range.last_event_date', 'day') }}
            as integer
        ) as days_since_last_order
    from buyers
    cross join date_range
)

select * from final
