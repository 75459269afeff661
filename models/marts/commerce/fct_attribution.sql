{#- Each order's revenue credited to the channels of the buyer's sessions (touchpoints) under
    the models of seeds/attribution_models.csv: one row per order × model × channel credited.
    Touchpoints: the buyer's sessions that started in the var('attribution_lookback_days')
    (default 30) days up to the order, and always the order's own session (so an order with no
    earlier session is credited to its own session's channel), numbered 1..n by start.
    A model gives touchpoint 1 first_parts, touchpoint n last_parts (both when n = 1) and each
    one in between middle_parts; with middle_parts_shared the middle parts are one share
    split over the n - 2 middle touchpoints (all parts are then scaled by n - 2 to stay
    whole). A channel's credit is its parts over the order's parts: exact fractions. Revenue
    is split in whole cents, the leftover cents going to the largest remainders (ties by
    channel), so every model credits exactly the order's revenue. -#}
{%- set lookback_days = var('attribution_lookback_days') -%}

with

orders as (
    select * from {{ ref('int_orders') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

attribution_models as (
    select * from {{ ref('attribution_models') }}
),

touchpoint_sessions as (
    select
        orders.order_key,
        orders.user_id,
        orders.ordered_at,
        orders.order_date,
        orders.revenue as order_revenue,
        sessions.channel,
        row_number() over order_touchpoints as touchpoint_number,
        count(*) over (partition by orders.order_key) as touchpoints
    from orders
    inner join sessions
        on
            orders.user_id = sessions.user_id
            and orders.ordered_at >= sessions.session_start_at
            and (
                sessions.session_start_at
                >= {{ dbt.dateadd('day', -lookback_days, 'orders.ordered_at') }}
                or orders.session_id = sessions.session_id
            )
    window order_touchpoints as (
        partition by orders.order_key
        order by sessions.session_start_at asc, sessions.session_number asc
    )
),

touchpoint_positions as (
    select
        *,
        touchpoint_number = 1 as is_first,
        touchpoint_number = touchpoints as is_last,
        touchpoints - 2 as middle_touchpoints
    from touchpoint_sessions
),

touchpoint_parts as (
    select
        touchpoint_positions.*,
        attribution_models.attribution_model,
        (
            case when touchpoint_positions.is_first then attribution_models.first_parts else 0 end
            + case when touchpoint_positions.is_last then attribution_models.last_parts else 0 end
        )
        * case
            when
                attribution_models.middle_parts_shared
                and touchpoint_positions.middle_touchpoints > 0
                then touchpoint_positions.middle_touchpoints
            else 1
        end
        + case
            when not (touchpoint_positions.is_first or touchpoint_positions.is_last)
                then attribution_models.middle_parts
            else 0
        end as parts
    from touchpoint_positions
    cross join attribution_models
),

channel_parts as (
    select
        order_key,
        attribution_model,
        channel,
        max(user_id) as user_id,
        max(ordered_at) as ordered_at,
        max(order_date) as order_date,
        max(order_revenue) as order_revenue,
        max(touchpoints) as touchpoints,
        count(*) as channel_touchpoints,
        sum(parts) as parts
    from touchpoint_parts
    group by order_key, attribution_model, channel
),

shares as (
    select
        *,
        sum(parts) over order_model as order_parts,
        cast(order_revenue * 100 as bigint) as order_cents
    from channel_parts
    window order_model as (partition by order_key, attribution_model)
),

floored as (
    select
        *,
        {{ integer_divide('order_cents * parts', 'order_parts') }} as floor_cents,
        (order_cents * parts) % order_parts as remainder_cents
    from shares
),

ranked as (
    select
        *,
        order_cents - sum(floor_cents) over order_model as leftover_cents,
        row_number() over (
            partition by order_key, attribution_model
            order by remainder_cents desc, channel asc
        ) as remainder_rank
    from floored
    window order_model as (partition by order_key, attribution_model)
),

final as (
    select
        order_key,
        attribution_model,
        channel,
        user_id,
        ordered_at,
        order_date,
        cast(touchpoints as integer) as touchpoints,
        cast(channel_touchpoints as integer) as channel_touchpoints,
        cast(parts as bigint) as credit_parts,
        cast(order_parts as bigint) as order_parts,
        cast(parts / order_parts as double) as credit,
        cast(
            (floor_cents + case when remainder_rank <= leftover_cents then 1 else 0 end) / 100.0
            as decimal(18, 2)
        ) as credited_revenue,
        order_revenue
    from ranked
    where parts > 0
)

select * from final
