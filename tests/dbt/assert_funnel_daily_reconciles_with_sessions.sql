-- fct_funnel_daily adds up to the session marts: for every funnel and step, the summed
-- sessions equal fct_sessions' row count and the summed entries equal the sessions of
-- fct_funnel_sessions that reached the step. Returns the steps that disagree.
with

daily as (
    select * from {{ ref('fct_funnel_daily') }}
),

funnel_sessions as (
    select * from {{ ref('fct_funnel_sessions') }}
),

sessions as (
    select count(*) as sessions from {{ ref('fct_sessions') }}
),

daily_totals as (
    select
        funnel_name,
        step_number,
        sum(sessions) as sessions,
        sum(entries) as entries
    from daily
    group by funnel_name, step_number
),

sessions_by_furthest_step as (
    select
        funnel_name,
        furthest_step_number,
        count(*) as sessions
    from funnel_sessions
    group by funnel_name, furthest_step_number
),

session_totals as (
    select
        daily_totals.funnel_name,
        daily_totals.step_number,
        coalesce(sum(sessions_by_furthest_step.sessions), 0) as entries
    from daily_totals
    left join sessions_by_furthest_step
        on
            daily_totals.funnel_name = sessions_by_furthest_step.funnel_name
            and daily_totals.step_number <= sessions_by_furthest_step.furthest_step_number
    group by daily_totals.funnel_name, daily_totals.step_number
)

select
    daily_totals.funnel_name,
    daily_totals.step_number,
    daily_totals.sessions as daily_sessions,
    sessions.sessions as all_sessions,
    daily_totals.entries as daily_entries,
    session_totals.entries as funnel_session_entries
from daily_totals
inner join session_totals
    on
        daily_totals.funnel_name = session_totals.funnel_name
        and daily_totals.step_number = session_totals.step_number
cross join sessions
where
    daily_totals.sessions != sessions.sessions
    or daily_totals.entries != session_totals.entries
