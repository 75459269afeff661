{#- Item pairs bought in the same order (int_order_items), both directions: one row per
    (item_id, paired_item_id) bought together in at least var('basket_min_orders') orders
    (default 5). support = orders_with_pair / orders with at least one item; confidence =
    orders_with_pair / orders_with_item; lift = confidence / the share of orders containing
    the paired item. -#}
{%- set min_orders = var('basket_min_orders') -%}

with

order_items as (
    select * from {{ ref('int_order_items') }}
),

basket_orders as (
    select count(distinct order_key) as orders_with_items
    from order_items
),

item_orders as (
    select
        item_id,
        count(*) as orders_with_item
    from order_items
    group by item_id
),

pairs as (
    select
        order_items.item_id,
        paired_items.item_id as paired_item_id,
        count(*) as orders_with_pair
    from order_items
    inner join order_items as paired_items
        on
            order_items.order_key = paired_items.order_key
            and order_items.item_id != paired_items.item_id
    group by order_items.item_id, paired_items.item_id
    having count(*) >= {{ min_orders }}
),

final as (
    select
        pairs.item_id,
        pairs.paired_item_id,
        cast(item_orders.orders_with_item as bigint) as orders_with_item,
        cast(paired_orders.orders_with_item as bigint) as orders_with_paired_item,
        cast(pairs.orders_with_pair as bigint) as orders_with_pair,
        cast(basket_orders.orders_with_items as bigint) as orders_with_items,
        cast(
            pairs.orders_with_pair / basket_orders.orders_with_items as double
        ) as support,  -- noqa: RF04
        cast(pairs.orders_with_pair / item_orders.orders_with_item as double) as confidence,
        cast(
            (pairs.orders_with_pair / item_orders.orders_with_item)
            / (paired_orders.orders_with_item / basket_orders.orders_with_items) as double
        ) as lift
    from pairs
    inner join item_orders
        on pairs.item_id = item_orders.item_id
    inner join item_orders as paired_orders
        on pairs.paired_item_id = paired_orders.item_id
    cross join basket_orders
)

select * from final
