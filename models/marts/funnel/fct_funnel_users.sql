{#- One row per user, period (var user_funnel_period, default ISO week) and funnel, for every
    period in which the user had an event: how far the user got, in order, across the
    sessions of that period. The user-level funnel experiments are analysed with.
    Incremental: for each user whose active days were rewritten since the last build, the
    periods from the one of the earliest rewritten day replace the user's rows from then on. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='replace_tail',
    tail_partition_by='user_id',
    tail_order_by='period_start',
    on_schema_change='fail'
) }}
{%- set period = user_funnel_period() -%}
{%- set active_days_relation = ref('int_users__active_days') %}

with

{% if is_incremental() %}
    user_tails as (
        {{ rewritten_user_tails(active_days_relation, 'activity_date', period) }}
    ),

    active_days as (
        select user_days.*
        from {{ active_days_relation }} as user_days
        inner join user_tails
            on user_days.user_id = user_tails.user_id
        where user_days.activity_date >= user_tails.tail_start
    ),

    user_period_progress as (
        select * from {{ ref('int_funnel_steps__user_period_progress') }}
        where {{ rewritten_since_last_build() }}
    ),
{% else %}
    active_days as (
        select * from {{ active_days_relation }}
    ),

    user_period_progress as (
        select * from {{ ref('int_funnel_steps__user_period_progress') }}
    ),
{% endif %}

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
        step_reached_at,
        {{ build_timestamp() }} as _loaded_at
    from user_funnels
)

select * from final
