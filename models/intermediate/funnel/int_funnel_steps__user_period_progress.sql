{#- The in-order funnel per user and period (var user_funnel_period, default ISO week), long
    format: one row per user × period × funnel × step reached. Steps chain across the user's
    sessions inside the period (a cart in a later session counts after a view in an earlier
    one) but never across periods; events belong to the period of their event_date (UTC).
    Incremental: for each user whose events fct_events rewrote since the last build, every
    period from the one of the earliest rewritten event is recomputed from all of its events
    and replaces the user's rows from then on (a period's steps are only ever reached earlier
    or in addition when events are added, so that covers every old row of those periods). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='replace_tail',
    tail_partition_by='user_id',
    tail_order_by='period_start',
    on_schema_change='fail'
) }}
{%- set period = user_funnel_period() -%}
{%- set events_relation = ref('fct_events') %}

with

{% if is_incremental() %}
    events as (
        {{ rewritten_user_tail_rows(events_relation, 'event_date', period) }}
    ),
{% else %}
    events as (
        select * from {{ events_relation }}
    ),
{% endif %}

funnel_steps as (
    select * from {{ ref('funnel_steps') }}
),

candidate_events as (
    select
        events.user_id,
        cast({{ dbt.date_trunc(period, 'events.event_date') }} as date) as period_start,
        funnel_steps.funnel_name,
        funnel_steps.step_number,
        events.user_event_number as event_position,
        events.event_at
    from events
    inner join funnel_steps
        on events.event_type = funnel_steps.event_type
),

reached_steps as (
    {{ ordered_funnel_steps('candidate_events', ['user_id', 'period_start']) }}
),

final as (
    select
        reached_steps.user_id,
        reached_steps.period_start,
        reached_steps.funnel_name,
        cast(reached_steps.step_number as integer) as step_number,
        funnel_steps.step_name,
        funnel_steps.event_type,
        reached_steps.reached_at,
        cast(reached_steps.event_position as integer) as user_event_number,
        reached_steps.seconds_from_previous_step,
        reached_steps.steps_reached_at,
        {{ build_timestamp() }} as _loaded_at
    from reached_steps
    inner join funnel_steps
        on {{ columns_match('reached_steps', 'funnel_steps', ['funnel_name', 'step_number']) }}
)

select * from final
