{#- One row per user: acquisition (first session), lifetime value and D1/D7/D14/D30 retention.
    retained_dN = the user had an event on calendar day first_seen_date + N (UTC); null when
    that day is after the last day of data (not observable yet), never a false "not retained". -#}
{%- set retention_days = [1, 7, 14, 30] -%}

with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

active_days as (
    select * from {{ ref('int_users__active_days') }}
),

date_range as (
    select * from {{ ref('int_events__date_range') }}
),

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
        {% for day in retention_days %}
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
        {% for day in retention_days %}
            case
                when
                    cast({{ dbt.dateadd('day', day, 'activity.first_seen_date') }} as date)
                    <= date_range.last_event_date
                    then retention.active_on_day_{{ day }}
            end as retained_d{{ day }},
        {% endfor %}
        cast(
            {{ dbt.datediff('activity.first_seen_date', 'date_range.last_event_date', 'day') }}
            as integer
        ) as days_observed
    from first_sessions
    inner join activity
        on first_sessions.user_id = activity.user_id
    inner join lifetime
        on first_sessions.user_id = lifetime.user_id
    inner join retention
        on first_sessions.user_id = retention.user_id
    cross join date_range
)

select * from final
