{{ config(
    materialized='incremental',
    incremental_strategy='replace_tail',
    tail_partition_by='user_id',
    tail_order_by='reached_at',
    on_schema_change='fail'
) }}

{#- The in-order funnel per session, long format: one row per session × funnel × step reached
    (unreached steps have no row). Step k counts only at or after the event that reached step
    k−1 in the same session, in fct_events' event order (macro ordered_funnel_steps).
    Incremental: the sessions fct_events rewrote (whole sessions of users' tails) replace the
    user's rows from the earliest step they reach; a session's steps are only ever reached
    earlier or in addition when events are added, so that covers every old row of the tail. -#}
with

events as (
    select * from {{ ref('fct_events') }}
    where {{ rewritten_since_last_build() }}
),

funnel_steps as (
    select * from {{ ref('funnel_steps') }}
),

candidate_events as (
    select
        events.user_id,
        events.session_id,
        funnel_steps.funnel_name,
        funnel_steps.step_number,
        events.event_number_in_session as event_position,
        events.event_at
    from events
    inner join funnel_steps
        on events.event_type = funnel_steps.event_type
),

reached_steps as (
    {{ ordered_funnel_steps('candidate_events', ['user_id', 'session_id']) }}
),

final as (
    select
        reached_steps.session_id,
        reached_steps.user_id,
        reached_steps.funnel_name,
        cast(reached_steps.step_number as integer) as step_number,
        funnel_steps.step_name,
        funnel_steps.event_type,
        reached_steps.reached_at,
        cast(reached_steps.event_position as integer) as event_number_in_session,
        reached_steps.seconds_from_previous_step,
        reached_steps.steps_reached_at,
        {{ build_timestamp() }} as _loaded_at
    from reached_steps
    inner join funnel_steps
        on {{ columns_match('reached_steps', 'funnel_steps', ['funnel_name', 'step_number']) }}
)

select * from final
