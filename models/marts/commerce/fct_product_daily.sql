{#- Per day × item: product views and carts (events on that day) and purchases, units and
    revenue (the order lines of int_order_items, by order date). A row exists when the item had
    any of them that day. Rates are per row; for longer periods sum the counts, then divide. -#}
with

events as (
    select * from {{ ref('fct_events') }}
    where event_type in ('product_view', 'add_to_cart') and item_id is not null
),

order_items as (
    select * from {{ ref('int_order_items') }}
),

event_counts as (
    select
        event_date as activity_date,
        item_id,
        sum(case when event_type = 'product_view' then 1 else 0 end) as views,  -- noqa: RF04
        sum(case when event_type = 'add_to_cart' then 1 else 0 end) as carts,
        0 as purchases,
        0 as units,
        0 as revenue
    from events
    group by event_date, item_id
),

order_counts as (
    select
        order_date as activity_date,
        item_id,
        0 as views,  -- noqa: RF04
        0 as carts,
        count(*) as purchases,
        sum(units) as units,
        sum(revenue) as revenue
    from order_items
    group by order_date, item_id
),

counts as (
    select * from event_counts
    union all
    select * from order_counts
),

item_days as (
    select
        activity_date,
        item_id,
        sum(views) as views,  -- noqa: RF04
        sum(carts) as carts,
        sum(purchases) as purchases,
        sum(units) as units,
        sum(revenue) as revenue
    from counts
    group by activity_date, item_id
),

final as (
    select
        activity_date,
        item_id,
        cast(views as bigint) as views,  -- noqa: RF04
        cast(carts as bigint) as carts,
        cast(purchases as bigint) as purchases,
        cast(units as bigint) as units,
        cast(revenue as decimal(18, 2)) as revenue,
        cast(carts / nullif(views, 0) as double) as view_to_cart_rate,
        cast(purchases / nullif(carts, 0) as double) as cart_to_purchase_rate
    from item_days
)

select * from final
