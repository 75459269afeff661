{#- One row per session and funnel: how far the session got, in order, and when it reached
    each step. Every session has a row for every funnel (furthest_step_number 0 when it never
    reached step 1). -#}
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

session_progress as (
    select * from {{ ref('int_funnel_steps__session_progress') }}
),

funnel_steps as (
    select * from {{ ref('funnel_steps') }}
),

session_units as (
    select
        session_id,
        user_id,
        session_date,
        session_start_at,
        device,
        channel,
        user_type
    from sessions
),

session_funnels as (
    {{ funnel_progress_per_unit(
        'session_units', ['session_id'], 'session_progress', 'funnel_steps'
    ) }}
),

final as (
    select
        session_id,
        funnel_name,
        user_id,
        session_date,
        session_start_at,
        device,
        channel,
        user_type,
        step_count,
        entered_funnel,
        completed_funnel,
        furthest_step_number,
        furthest_step_name,
        step_reached_at
    from session_funnels
)

select * from final
