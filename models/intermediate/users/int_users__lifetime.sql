{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='user_id',
    on_schema_change='fail'
) }}

{#- One row per user: the acquisition (first session), lifetime totals and whether the user
    was active N days after the first active day (macro user_retention_days) -- everything of
    dim_users that does not depend on the last day of data, which dim_users adds.
    Incremental: users whose sessions or active days were rewritten since the last build are
    recomputed from all their sessions and days. -#}
{%- set sessions_relation = ref('fct_sessions') -%}
{%- set active_days_relation = ref('int_users__active_days') %}

with

{% if is_incremental() %}
    changed_users as (
        select user_id from {{ sessions_relation }}
        where {{ rewritten_since_last_build() }}
        union
        select user_id from {{ active_days_relation }}
        where {{ rewritten_since_last_build() }}
    ),

    sessions as (
        select user_sessions.*
        from {{ sessions_relation }} as user_sessions
        inner join changed_users
            on user_sessions.user_id = changed_users.user_id
    ),

    active_days as (
        select user_days.*
        from {{ active_days_relation }} as user_days
        inner join changed_users
            on user_days.user_id = changed_users.user_id
    ),
{% else %}
    sessions as (
        select * from {{ sessions_relation }}
    ),

    active_days as (
        select * from {{ active_days_relation }}
    ),
{% endif %}

first_sessions as (
    select
        user_id,
        session_id as first_session_id,
        session_start_at as first_seen_at,
        device as first_device,
        channel as first_channel,
        country as first_country
    from sessions
    where is_first_session
),

lifetime as (
    select
        user_id,
        max(session_end_at) as last_seen_at,
        count(*) as lifetime_sessions,
        sum(orders) as lifetime_orders,
        sum(revenue) as lifetime_revenue
    from sessions
    group by user_id
),

activity as (
    select
        user_id,
        min(activity_date) as first_seen_date,
        count(*) as lifetime_active_days,
        min(first_purchase_at) as first_purchase_at
    from active_days
    group by user_id
),

retention as (
    select
        activity.user_id,
        {% for day in user_retention_days() %}
            bool_or(
                active_days.activity_date
                = cast({{ dbt.dateadd('day', day, 'activity.first_seen_date') }} as date)
            ) as active_on_day_{{ day }},
        {% endfor %}
        activity.first_seen_date
    from activity
    inner join active_days
        on activity.user_id = active_days.user_id
    group by activity.user_id, activity.first_seen_date
),

final as (
    select
        first_sessions.user_id,
        first_sessions.first_seen_at,
        activity.first_seen_date,
        first_sessions.first_session_id,
        first_sessions.first_device,
        first_sessions.first_channel,
        first_sessions.first_country,
        cast({{ dbt.date_trunc('week', 'activity.first_seen_date') }} as date)
            as acquisition_week,
        cast({{ dbt.date_trunc('month', 'activity.first_seen_date') }} as date)
            as acquisition_month,
        lifetime.last_seen_at,
        activity.first_purchase_at,
        activity.first_purchase_at is not null as has_purchased,
        cast(lifetime.lifetime_sessions as integer) as lifetime_sessions,
        cast(activity.lifetime_active_days as integer) as lifetime_active_days,
        cast(lifetime.lifetime_orders as integer) as lifetime_orders,
        cast(lifetime.lifetime_revenue as decimal(18, 2)) as lifetime_revenue,
        {% for day in user_retention_days() %}
            retention.active_on_day_{{ day }},
        {% endfor %}
        {{ build_timestamp() }} as _loaded_at
    from first_sessions
    inner join activity
        on first_sessions.user_id = activity.user_id
    inner join lifetime
        on first_sessions.user_id = lifetime.user_id
    inner join retention
        on first_sessions.user_id = retention.user_id
)

select * from final
