{#- One row per order: the purchase events sharing an order key (macro order_key: the order id,
    or the event itself when it has none). The order belongs to the session and the moment of
    its first purchase event (in the user's event order); its revenue is the sum over its
    purchase events (0 when none has one). Orders are numbered per user by that moment, and
    days_since_previous_order counts calendar days (UTC) since the user's previous order. -#}
with

purchase_events as (
    select * from {{ ref('fct_events') }}
    where event_type = 'purchase'
),

keyed as (
    select
        {{ order_key() }} as order_key,
        order_id,
        user_id,
        session_id,
        event_at,
        user_event_number,
        event_id,
        revenue,
        row_number() over (
            partition by {{ order_key() }}
            order by event_at asc, event_id asc
        ) as event_number_in_order
    from purchase_events
),

orders as (
    select
        order_key,
        max(order_id) as order_id,
        max(case when event_number_in_order = 1 then user_id end) as user_id,
        max(case when event_number_in_order = 1 then session_id end) as session_id,
        min(event_at) as ordered_at,
        min(case when event_number_in_order = 1 then user_event_number end)
            as first_user_event_number,
        count(*) as purchase_events,
        coalesce(sum(revenue), 0) as revenue
    from keyed
    group by order_key
),

numbered as (
    select
        *,
        cast(ordered_at as date) as order_date,
        row_number() over user_orders as user_order_number,
        lag(cast(ordered_at as date)) over user_orders as previous_order_date
    from orders
    window user_orders as (partition by user_id order by ordered_at asc, order_key asc)
),

final as (
    select
        order_key,
        order_id,
        user_id,
        session_id,
        ordered_at,
        order_date,
        cast(first_user_event_number as integer) as first_user_event_number,
        cast(user_order_number as integer) as user_order_number,
        cast(
            {{ dbt.datediff('previous_order_date', 'order_date', 'day') }} as integer  -- noqa: LT05
        ) as days_since_previous_order,
        cast(purchase_events as integer) as purchase_events,
        cast(revenue as decimal(18, 2)) as revenue
    from numbered
)

select * from final
