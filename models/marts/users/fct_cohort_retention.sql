{#- Cohort retention: one row per cohort grain (week, month) × cohort start × period number
    (the grid and its rules: int_users__cohort_periods). -#}
with

cohort_periods as (
    select * from {{ ref('int_users__cohort_periods') }}
),

final as (
    select
        cohort_grain,
        cohort_start,
        period_number,
        period_start,
        period_end,
        is_complete_period,
        cohort_size,
        active_users,
        cast(active_users / cohort_size as double) as retention_rate,
        purchasing_users,
        revenue,
        cumulative_revenue,
        cast(cumulative_revenue / cohort_size as double) as cumulative_revenue_per_user
    from cohort_periods
)

select * from final
