{#- Session funnel per day × device × channel × user type × funnel × step (long: one row per
    step, so any number of steps fits). Every step of every funnel has a row for every
    segment-day with sessions, with zeros where no session reached it. For one funnel step,
    counts add up across days and segments; rates and medians do not (recompute rates from
    summed counts).
    Incremental: every day from the earliest session_date of the sessions rewritten since the
    last build is recomputed from all of its sessions and replaces that day on. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='replace_tail',
    tail_order_by='session_date',
    on_schema_change='fail'
) }}
{%- set sessions_relation = ref('fct_sessions') %}

with

sessions as (
    select * from {{ sessions_relation }}
    where {{ from_earliest_rewritten('session_date', sessions_relation, 'session_date') }}
),

session_progress as (
    -- a session's steps are reached at or after its start
    select * from {{ ref('int_funnel_steps__session_progress') }}
    where {{ from_earliest_rewritten('reached_at', sessions_relation, 'session_date') }}
),

funnel_steps as (
    select * from {{ ref('funnel_steps') }}
),

segment_days as (
    select
        session_date,
        device,
        channel,
        user_type,
        count(*) as sessions
    from sessions
    group by session_date, device, channel, user_type
),

step_entries as (
    select
        sessions.session_date,
        sessions.device,
        sessions.channel,
        sessions.user_type,
        session_progress.funnel_name,
        session_progress.step_number,
        count(*) as entries,
        median(session_progress.seconds_from_previous_step) as median_seconds_from_previous_step
    from session_progress
    inner join sessions
        on session_progress.session_id = sessions.session_id
    group by
        sessions.session_date,
        sessions.device,
        sessions.channel,
        sessions.user_type,
        session_progress.funnel_name,
        session_progress.step_number
),

segment_day_steps as (
    select
        segment_days.session_date,
        segment_days.device,
        segment_days.channel,
        segment_days.user_type,
        segment_days.sessions,
        funnel_steps.funnel_name,
        funnel_steps.step_number,
        funnel_steps.step_name,
        funnel_steps.event_type,
        coalesce(step_entries.entries, 0) as entries,
        step_entries.median_seconds_from_previous_step
    from segment_days
    cross join funnel_steps
    left join step_entries
        on
            segment_days.session_date = step_entries.session_date
            and segment_days.device = step_entries.device
            and segment_days.channel = step_entries.channel
            and segment_days.user_type = step_entries.user_type
            and funnel_steps.funnel_name = step_entries.funnel_name
            and funnel_steps.step_number = step_entries.step_number
),

with_previous_step as (
    select
        *,
        lag(entries) over funnel_path as previous_step_entries,
        first_value(entries) over funnel_path as first_step_entries
    from segment_day_steps
    window funnel_path as (
        partition by funnel_name, session_date, device, channel, user_type
        order by step_number asc
    )
),

final as (
    select
        funnel_name,
        session_date,
        device,
        channel,
        user_type,
        step_number,
        step_name,
        event_type,
        cast(sessions as bigint) as sessions,
        cast(entries as bigint) as entries,
        cast(previous_step_entries as bigint) as previous_step_entries,
        cast(previous_step_entries - entries as bigint) as drop_offs,
        cast(entries / nullif(previous_step_entries, 0) as double) as step_conversion_rate,
        cast(
            (previous_step_entries - entries) / nullif(previous_step_entries, 0) as double
        ) as drop_off_rate,
        cast(entries / nullif(first_step_entries, 0) as double) as overall_conversion_rate,
        cast(entries / sessions as double) as session_conversion_rate,
        cast(median_seconds_from_previous_step as double) as median_seconds_from_previous_step,
        {{ build_timestamp() }} as _loaded_at
    from with_previous_step
)

select * from final
