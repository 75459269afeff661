-- Along a funnel, counts never increase: no step is reached by more sessions (or users) than
-- the step before it, in the daily mart, the session progress and the user-period progress.
-- Returns the offending steps.
with

daily as (
    select * from {{ ref('fct_funnel_daily') }}
),

session_progress as (
    select * from {{ ref('int_funnel_steps__session_progress') }}
),

user_period_progress as (
    select * from {{ ref('int_funnel_steps__user_period_progress') }}
),

daily_increases as (
    select
        'fct_funnel_daily' as checked_model,
        funnel_name,
        step_number,
        previous_step_entries,
        entries
    from daily
    where entries > previous_step_entries
),

session_step_counts as (
    select
        funnel_name,
        step_number,
        count(*) as entries
    from session_progress
    group by funnel_name, step_number
),

user_step_counts as (
    select
        funnel_name,
        step_number,
        count(*) as entries
    from user_period_progress
    group by funnel_name, step_number
),

step_counts as (
    select
        'int_funnel_steps__session_progress' as checked_model,
        *
    from session_step_counts
    union all
    select
        'int_funnel_steps__user_period_progress' as checked_model,
        *
    from user_step_counts
),

progress_increases as (
    select
        step_counts.checked_model,
        step_counts.funnel_name,
        step_counts.step_number,
        coalesce(previous_step.entries, 0) as previous_step_entries,
        step_counts.entries
    from step_counts
    left join step_counts as previous_step
        on
            step_counts.checked_model = previous_step.checked_model
            and step_counts.funnel_name = previous_step.funnel_name
            and step_counts.step_number = previous_step.step_number + 1
    where
        step_counts.step_number > 1
        and step_counts.entries > coalesce(previous_step.entries, 0)
)

select * from daily_increases
union all
select * from progress_increases
