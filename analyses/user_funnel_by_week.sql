-- The user-level default funnel (var default_funnel) per period (var user_funnel_period,
-- default ISO week) and user type: users active, and users reaching each step in order
-- across their sessions of the period.
with

user_funnels as (
    select * from {{ ref('fct_funnel_users') }}
    where funnel_name = '{{ var("default_funnel") }}'
),

steps as (
    select * from {{ ref('funnel_steps') }}
    where funnel_name = '{{ var("default_funnel") }}'
),

final as (
    select
        user_funnels.period_start,
        user_funnels.user_type,
        steps.step_number,
        steps.step_name,
        count(*) as active_users,
        count(*) filter (
            where user_funnels.furthest_step_number >= steps.step_number
        ) as users_reaching_step,
        round(
            count(*) filter (where user_funnels.furthest_step_number >= steps.step_number)
            / count(*),
            4
        ) as share_of_active_users
    from user_funnels
    cross join steps
    group by
        user_funnels.period_start,
        user_funnels.user_type,
        steps.step_number,
        steps.step_name
)

select * from final
order by period_start, user_type, step_number
