-- Revenue and orders credited to each channel under each attribution model, with the channel's
-- share of the model's total (every model credits the same total).
with

attribution as (
    select * from {{ ref('fct_attribution') }}
),

channels as (
    select
        attribution_model,
        channel,
        sum(credited_revenue) as credited_revenue,
        sum(credit) as credited_orders
    from attribution
    group by attribution_model, channel
),

final as (
    select
        attribution_model,
        channel,
        credited_revenue,
        round(credited_orders, 2) as credited_orders,
        round(
            credited_revenue
            / nullif(sum(credited_revenue) over (partition by attribution_model), 0),
            4
        ) as revenue_share
    from channels
)

select * from final
order by attribution_model asc, credited_revenue desc, channel asc
