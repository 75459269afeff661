{#- How the source's own sessions (source_session_id, e.g. REES46 user_session) compare with
    ours (30-minute inactivity rule): one row per source session. It maps to exactly one of our
    sessions, or is split: by a gap longer than the timeout inside it (split_by_gap), or because
    several users share the id (split_across_users). A source session that maps to one of ours
    is one_to_one when that session holds no other source session, else
    merged_with_other_source_sessions (the source started a new session although the user was
    inactive for at most the timeout). Events without a source session id are left out.
    Incremental: the source sessions holding an event of a user whose events fct_events
    rewrote since the last build are recomputed, from the whole history of every user with an
    event in them (a source session changes only through such a user's events, sessions or
    pauses), and replace their rows. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='source_session_id',
    on_schema_change='fail'
) }}
{%- set events_relation = ref('fct_events') %}

with

{% if is_incremental() %}
    rewritten_users as (
        select distinct user_id
        from {{ events_relation }}
        where {{ rewritten_since_last_build() }}
    ),

    affected_source_sessions as (
        select distinct user_events.source_session_id
        from {{ events_relation }} as user_events
        inner join rewritten_users
            on user_events.user_id = rewritten_users.user_id
        where user_events.source_session_id is not null
    ),

    involved_users as (
        select distinct session_events.user_id
        from {{ events_relation }} as session_events
        inner join affected_source_sessions
            on session_events.source_session_id = affected_source_sessions.source_session_id
    ),

    events as (
        select involved_events.*
        from {{ events_relation }} as involved_events
        inner join involved_users
            on involved_events.user_id = involved_users.user_id
        where involved_events.source_session_id is not null
    ),
{% else %}
    events as (
        select * from {{ events_relation }}
        where source_session_id is not null
    ),
{% endif %}

source_session_gaps as (
    select
        source_session_id,
        {{ microseconds_between(
            'lag(event_at) over (partition by source_session_id order by event_at)',
            'event_at'
        ) }} as microseconds_since_previous_event
    from events
),

our_session_sources as (
    select
        session_id,
        count(distinct source_session_id) as source_sessions
    from events
    group by session_id
),

source_sessions as (
    select
        events.source_session_id,
        min(events.event_at) as source_session_start_at,
        max(events.event_at) as source_session_end_at,
        count(*) as event_count,
        count(distinct events.user_id) as user_count,
        count(distinct events.session_id) as our_session_count,
        max(our_session_sources.source_sessions) as max_source_sessions_in_our_session
    from events
    inner join our_session_sources
        on events.session_id = our_session_sources.session_id
    group by events.source_session_id
),

user_source_sessions as (
    select
        user_id,
        source_session_id,
        min(event_at) as started_at,
        max(event_at) as ended_at
    from events
    group by user_id, source_session_id
),

user_source_session_pauses as (
    -- The pause between the end of the user's previous source session and this one's start:
    -- at most the timeout where we see one session but the source saw two.
    select
        source_session_id,
        {{ microseconds_between(
            'lag(ended_at) over (partition by user_id order by started_at, source_session_id)',
            'started_at'
        ) }} as microseconds_since_previous_source_session
    from user_source_sessions
),

source_session_switches as (
    select
        source_session_id,
        min(microseconds_since_previous_source_session) / 1e6
            as seconds_since_previous_source_session
    from user_source_session_pauses
    group by source_session_id
),

largest_gaps as (
    select
        source_session_id,
        max(microseconds_since_previous_event) / 1e6 as max_gap_seconds
    from source_session_gaps
    group by source_session_id
),

final as (
    select
        source_sessions.source_session_id,
        source_sessions.source_session_start_at,
        source_sessions.source_session_end_at,
        cast(source_sessions.event_count as integer) as event_count,
        cast(source_sessions.user_count as integer) as user_count,
        cast(source_sessions.our_session_count as integer) as our_session_count,
        cast(
            source_sessions.max_source_sessions_in_our_session as integer
        ) as max_source_sessions_in_our_session,
        cast(largest_gaps.max_gap_seconds as double) as max_gap_seconds,
        cast(
            source_session_switches.seconds_since_previous_source_session as double
        ) as seconds_since_previous_source_session,
        source_sessions.our_session_count = 1 as maps_to_one_session,
        case
            when source_sessions.user_count > 1 then 'split_across_users'
            when source_sessions.our_session_count > 1 then 'split_by_gap'
            when source_sessions.max_source_sessions_in_our_session > 1
                then 'merged_with_other_source_sessions'
            else 'one_to_one'
        end as agreement,
        {{ build_timestamp() }} as _loaded_at
    from source_sessions
    inner join largest_gaps
        on source_sessions.source_session_id = largest_gaps.source_session_id
    inner join source_session_switches
        on source_sessions.source_session_id = source_session_switches.source_session_id
    {%- if is_incremental() %}
    inner join affected_source_sessions
        on source_sessions.source_session_id = affected_source_sessions.source_session_id
    {%- endif %}
)

select * from final
