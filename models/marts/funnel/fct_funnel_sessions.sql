{#- One row per session and funnel: how far the session got, in order, and when it reached
    each step. Every session has a row for every funnel (furthest_step_number 0 when it never
    reached step 1). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='replace_tail',
    tail_partition_by='user_id',
    tail_order_by='session_start_at',
    on_schema_change='fail'
) }}
{#- Incremental: the sessions fct_sessions rewrote since the last build (whole tails of users)
    replace the user's rows from the tail's first session on. -#}

with

sessions as (
    select * from {{ ref('fct_sessions') }}
    where {{ rewritten_since_last_build() }}
),

session_progress as (
    select * from {{ ref('int_funnel_steps__session_progress') }}
    where {{ rewritten_since_last_build() }}
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
        step_reached_at,
        {{ build_timestamp() }} as _loaded_at
    from session_funnels
)

select * from final
