{#- The in-order funnel per session, long format: one row per session × funnel × step reached
    (unreached steps have no row). Step k counts only at or after the event that reached step
    k−1 in the same session, in fct_events' event order (macro ordered_funnel_steps). -#}
with

events as (
    select * from {{ ref('fct_events') }}
),

funnel_steps as (
    select * from {{ ref('funnel_steps') }}
),

candidate_events as (
    select
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
    {{ ordered_funnel_steps('candidate_events', ['session_id']) }}
),

final as (
    select
        reached_steps.session_id,
        reached_steps.funnel_name,
        cast(reached_steps.step_number as integer) as step_number,
        funnel_steps.step_name,
        funnel_steps.event_type,
        reached_steps.reached_at,
        cast(reached_steps.event_position as integer) as event_number_in_session,
        reached_steps.seconds_from_previous_step,
        reached_steps.steps_reached_at
    from reached_steps
    inner join funnel_steps
        on {{ columns_match('reached_steps', 'funnel_steps', ['funnel_name', 'step_number']) }}
)

select * from final
