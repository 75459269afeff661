-- Daily active users (any event on the UTC calendar day), split into new and returning.
-- A user counts as new on a day when the day includes their first session (the user_type
-- definition: new at a moment in the first session), else returning.
with

active_days as (
    select * from {{ ref('int_users__active_days') }}
),

final as (
    select
        activity_date,
        count(*) as active_users,
        count(*) filter (where {{ user_type('first_session_number') }} = 'new') as new_users,
        count(*) filter (
            where {{ user_type('first_session_number') }} = 'returning'
        ) as returning_users,
        count(*) filter (where purchase_events > 0) as purchasing_users,
        sum(events) as events,
        sum(revenue) as revenue
    from active_days
    group by activity_date
)

select * from final
order by activity_date
