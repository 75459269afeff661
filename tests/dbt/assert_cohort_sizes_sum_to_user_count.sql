-- For each cohort grain, the cohort sizes add up to the number of users, everybody is active
-- in their acquisition period (period 0), no period has more active users than the cohort,
-- and the cohorts' revenue adds up to the users' lifetime revenue. Returns what disagrees.
with

cohorts as (
    select * from {{ ref('fct_cohort_retention') }}
),

users as (
    select
        count(*) as user_count,
        sum(lifetime_revenue) as revenue
    from {{ ref('dim_users') }}
),

grain_totals as (
    select
        cohort_grain,
        sum(cohort_size) filter (where period_number = 0) as cohort_users,
        sum(active_users) filter (where period_number = 0) as period_zero_active_users,
        count(*) filter (where active_users > cohort_size) as periods_over_cohort_size,
        sum(revenue) as revenue
    from cohorts
    group by cohort_grain
)

select
    grain_totals.*,
    users.user_count,
    users.revenue as user_revenue
from grain_totals
cross join users
where
    grain_totals.cohort_users != users.user_count
    or grain_totals.period_zero_active_users != users.user_count
    or grain_totals.periods_over_cohort_size > 0
    or grain_totals.revenue != users.revenue
