{#- One row per user: acquisition (first session), lifetime value and D1/D7/D14/D30 retention.
    retained_dN = the user had an event on calendar day first_seen_date + N (UTC); null when
    that day is after the last day of data (not observable yet), never a false "not retained".
    The per-user part is int_users__lifetime (incremental); what depends on the last day of
    data is added here, for every user (a new day changes it for everyone). -#}
with

lifetime as (
    select * from {{ ref('int_users__lifetime') }}
),

date_range as (
    select * from {{ ref('int_events__date_range') }}
),

final as (
    select
        lifetime.user_id,
        lifetime.first_seen_at,
        lifetime.first_seen_date,
        lifetime.first_session_id,
        lifetime.first_device,
        lifetime.first_channel,
        lifetime.first_country,
        lifetime.acquisition_week,
        lifetime.acquisition_month,
        lifetime.last_seen_at,
        lifetime.first_purchase_at,
        lifetime.has_purchased,
        lifetime.lifetime_sessions,
        lifetime.lifetime_active_days,
        lifetime.lifetime_orders,
        lifetime.lifetime_revenue,
        {% for day in user_retention_days() %}
            case
                when
                    cast({{ dbt.dateadd('day', day, 'lifetime.first_seen_date') }} as date)
                    <= date_range.last_event_date
                    then lifetime.active_on_day_{{ day }}
            end as retained_d{{ day }},
        {% endfor %}
        cast(
            {{ dbt.datediff('lifetime.first_seen_date', 'date_range.last_event_date', 'day') }}
            as integer
        ) as days_observed
    from lifetime
    cross join date_range
)

select * from final
