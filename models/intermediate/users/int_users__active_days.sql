{{ config(
    materialized='incremental',
    incremental_strategy='replace_tail',
    tail_partition_by='user_id',
    tail_order_by='activity_date',
    on_schema_change='fail'
) }}

{#- One row per user and calendar day (UTC) with at least one event: the activity that
    retention, cohorts and daily active users are counted from (one pass over fct_events).
    Incremental: for each user whose events fct_events rewrote since the last build, every day
    from the day of the earliest rewritten event is recomputed from all of that day's events
    and replaces the user's days from then on. -#}
{%- set events_relation = ref('fct_events') %}

with

{% if is_incremental() %}
    events as (
        {{ rewritten_user_tail_rows(events_relation, 'event_date') }}
    ),
{% else %}
    events as (
        select * from {{ events_relation }}
    ),
{% endif %}

final as (
    select
        user_id,
        event_date as activity_date,
        cast(count(*) as integer) as events,
        cast(min(session_number) as integer) as first_session_number,
        min(event_at) as first_event_at,
        cast(count(*) filter (where event_type = 'purchase') as integer) as purchase_events,
        min(event_at) filter (where event_type = 'purchase') as first_purchase_at,
        cast(
            coalesce(sum(revenue) filter (where event_type = 'purchase'), 0) as decimal(18, 2)
        ) as revenue,
        {{ build_timestamp() }} as _loaded_at
    from events
    group by user_id, event_date
)

select * from final
