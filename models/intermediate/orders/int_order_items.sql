{#- One row per order × item: what an order contained (its lines).
    - When any purchase event of the order names an item, the lines are those purchase events
      (item_source 'purchase'): units = the item's purchase events in the order, revenue =
      their revenue (RetailRocket transactions, REES46 purchases).
    - Otherwise the lines are the cart at checkout (item_source 'cart'): the items whose last
      add_to_cart / remove_from_cart event in the order's session before its first purchase
      event is an add_to_cart (the generated data: purchases name no item). One unit each; the
      order's revenue is split over them in whole cents, the leftover cents going to the
      first items by item_id, so the lines add up to the order exactly.
    An order with neither (nothing carted in its session) has no lines. -#}
with

orders as (
    select * from {{ ref('int_orders') }}
),

purchase_events as (
    select * from {{ ref('fct_events') }}
    where event_type = 'purchase' and item_id is not null
),

cart_events as (
    select * from {{ ref('fct_events') }}
    where event_type in ('add_to_cart', 'remove_from_cart') and item_id is not null
),

purchase_lines as (
    select
        {{ order_key() }} as order_key,
        item_id,
        count(*) as units,
        coalesce(sum(revenue), 0) as revenue
    from purchase_events
    group by {{ order_key() }}, item_id
),

orders_with_purchase_lines as (
    select distinct order_key from purchase_lines
),

-- the last cart action per item in the order's session before the order's first purchase
cart_actions as (
    select
        orders.order_key,
        cart_events.item_id,
        cart_events.event_type,
        row_number() over (
            partition by orders.order_key, cart_events.item_id
            order by cart_events.user_event_number desc
        ) as recency_rank
    from orders
    inner join cart_events
        on
            orders.session_id = cart_events.session_id
            and orders.first_user_event_number > cart_events.user_event_number
    left join orders_with_purchase_lines
        on orders.order_key = orders_with_purchase_lines.order_key
    where orders_with_purchase_lines.order_key is null
),

cart_items as (
    select
        order_key,
        item_id,
        count(*) over (partition by order_key) as order_items,
        row_number() over (partition by order_key order by item_id asc) as item_rank
    from cart_actions
    where recency_rank = 1 and event_type = 'add_to_cart'
),

cart_lines as (
    select
        cart_items.order_key,
        cart_items.item_id,
        1 as units,
        cast(orders.revenue * 100 as bigint) as order_cents,
        cart_items.order_items,
        cart_items.item_rank
    from cart_items
    inner join orders
        on cart_items.order_key = orders.order_key
),

lines as (
    select
        order_key,
        item_id,
        'purchase' as item_source,
        units,
        revenue
    from purchase_lines
    union all
    select
        order_key,
        item_id,
        'cart' as item_source,
        units,
        (
            {{ integer_divide('order_cents', 'order_items') }}
            + case when item_rank <= order_cents % order_items then 1 else 0 end
        ) / 100.0 as revenue
    from cart_lines
),

final as (
    select
        lines.order_key,
        lines.item_id,
        orders.user_id,
        orders.session_id,
        orders.ordered_at,
        orders.order_date,
        lines.item_source,
        cast(lines.units as integer) as units,
        cast(lines.revenue as decimal(18, 2)) as revenue
    from lines
    inner join orders
        on lines.order_key = orders.order_key
)

select * from final
