{#- One row per user, period (var user_funnel_period, default ISO week) and funnel, for every
    period in which the user had an event: how far the user got, in order, across the
    sessions of that period. The user-level funnel experiments are analysed with. -#}
{%- set period = user_funnel_period() -%}

with

active_days as (
    select * from {{ ref('int_users__active_days') }}
),

user_period_progress as (
    select * from {{ ref('int_funnel_steps__user_period_progress') }}
),

funnel_steps as (
    select * from {{ ref('funnel_steps') }}
),

user_periods as (
    select
        user_id,
        cast({{ dbt.date_trunc(period, 'activity_date') }} as date) as period_start,
        min(first_session_number) as first_session_number,
        cast(sum(events) as integer) as events
    from active_days
    group by user_id, cast({{ dbt.date_trunc(period, 'activity_date') }} as date)
),

user_period_units as (
    select
        user_id,
        period_start,
        {{ user_type('first_session_number') }} as user_type,
        events
    from user_periods
),

user_funnels as (
    {{ funnel_progress_per_unit(
        'user_period_units', ['user_id', 'period_start'], 'user_period_progress', 'funnel_steps'
    ) }}
),

final as (
    select
        user_id,
        '{{ period }}' as period_grain,
        period_start,
        funnel_name,
        user_type,
        events,
        step_count,
        entered_funnel,
        completed_funnel,
        furthest_step_number,
        furthest_step_name,
        step_reached_at
    from user_funnels
)

select * from final
