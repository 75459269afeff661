-- Every ROI assumption set is usable by scripts/analyze.py: rows violating a range are returned.
with

roi_assumptions as (

    select * from {{ ref('roi_assumptions') }}

),

final as (

    select *
    from roi_assumptions
    where
        not (gross_margin > 0 and gross_margin <= 1)
        or not (rollout_share > 0 and rollout_share <= 1)
        or implementation_cost < 0
        or monthly_running_cost < 0
        or horizon_months <= 0
        or assumed_order_value <= 0
        or length(currency) != 3

)

select * from final
