-- The 50 items with the most revenue over the whole data, with their view -> cart -> purchase
-- rates from summed counts.
with

product_daily as (
    select * from {{ ref('fct_product_daily') }}
),

items as (
    select
        item_id,
        sum(views) as product_views,
        sum(carts) as carts,
        sum(purchases) as purchases,
        sum(units) as units,
        sum(revenue) as revenue
    from product_daily
    group by item_id
),

final as (
    select
        item_id,
        product_views,
        carts,
        purchases,
        units,
        revenue,
        round(carts / nullif(product_views, 0), 4) as view_to_cart_rate,
        round(purchases / nullif(carts, 0), 4) as cart_to_purchase_rate
    from items
)

select * from final
order by revenue desc, purchases desc, product_views desc, item_id asc
limit 50
