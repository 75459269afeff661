{#- The LTV curve: one row per acquisition month × months since acquisition (the monthly
    cohorts of int_users__cohort_periods). cumulative_revenue_per_user is the cohort's revenue
    from its first month through this one over every user acquired in it (buyers or not). -#}
with

cohort_periods as (
    select * from {{ ref('int_users__cohort_periods') }}
    where cohort_grain = 'month'
),

final as (
    select
        cohort_start as acquisition_month,
        period_number as months_since_acquisition,
        period_start as month_start,
        is_complete_period as is_complete_month,
        cohort_size,
        purchasing_users,
        revenue,
        cumulative_revenue,
        cast(cumulative_revenue / cohort_size as double) as cumulative_revenue_per_user,
        cumulative_buyers,
        cast(cumulative_buyers / cohort_size as double) as cumulative_buyer_share
    from cohort_periods
)

select * from final
