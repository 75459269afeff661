{#- Per experiment, every user with a qualifying exposure event -- an event of the experiment's
    exposure_event type with window_start_at <= event_at < window_end_at, in a session that is in
    the target segment -- and the first such event (in the user's (event_at, event_id) order).
    Whether the user is assigned (and to one variant only) is decided in fct_experiment_exposures.

    Segments are session attributes: user_type (macro user_type) is 'new' in the user's first
    session and 'returning' after it; device and channel are the session's (fct_sessions). One pass over
    fct_events for all experiments. -#}
with

experiments as (
    select * from {{ ref('int_experiments_resolved') }}
),

events as (
    select * from {{ ref('fct_events') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

candidate_events as (
    select
        experiments.experiment_id,
        events.user_id,
        events.session_id,
        events.event_id,
        events.event_at,
        events.user_event_number
    from events
    inner join experiments
        on
            events.event_type = experiments.exposure_event
            and events.event_at >= experiments.window_start_at
            and events.event_at < experiments.window_end_at
),

first_per_session as (
    select
        experiment_id,
        user_id,
        session_id,
        min(user_event_number) as user_event_number,
        min_by(event_id, user_event_number) as event_id,
        min_by(event_at, user_event_number) as event_at
    from candidate_events
    group by experiment_id, user_id, session_id
),

with_segments as (
    select
        first_per_session.*,
        {{ user_type('sessions.session_number') }} as user_type,
        sessions.device,
        sessions.channel
    from first_per_session
    inner join sessions
        on first_per_session.session_id = sessions.session_id
),

in_target_segment as (
    select with_segments.*
    from with_segments
    inner join experiments
        on with_segments.experiment_id = experiments.experiment_id
    where {{ experiment_in_segment(
        'experiments.target_segment_name', 'experiments.target_segment_value',
        'with_segments.user_type', 'with_segments.device', 'with_segments.channel'
    ) }}
),

first_qualifying as (
    select *
    from in_target_segment
    qualify row_number() over (
        partition by experiment_id, user_id order by user_event_number asc
    ) = 1
),

final as (
    select
        experiment_id,
        user_id,
        event_at as exposed_at,
        cast(event_at as date) as exposure_date,
        event_id as exposure_event_id,
        session_id as exposure_session_id,
        cast(user_event_number as integer) as exposure_user_event_number,
        user_type,
        device,
        channel
    from first_qualifying
)

select * from final
