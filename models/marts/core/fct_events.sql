{{ config(
    materialized='incremental',
    incremental_strategy='replace_tail',
    tail_partition_by='user_id',
    tail_order_by='event_at',
    on_schema_change='fail'
) }}

{#- Sessionization. A user's events are ordered by (event_at, event_id); a new session starts at
    the user's first event and whenever the gap to the previous event is strictly greater than
    var('session_timeout_minutes'). A session's id is md5(user_id, its first event_id): the same
    input gives the same ids on every rebuild, and appending later events never changes the id
    of an earlier session. Sessions do not split at midnight.
    Two window passes over the same partitioning and order: the first flags session starts
    (it needs the previous event), the second counts them; window functions cannot nest. The
    one-sort alternatives measured slower at 10 M events (docs/sessions.md, "How fast").

    Incremental (docs/incremental.md): only users with new clean events are re-sessionized, each
    from the start of their *tail*: the session their earliest new event falls into or extends
    (the one of the latest earlier event, when the gap to it is at most the timeout), else that
    new event itself. No session straddles the tail's start, so the tail is re-sessionized on
    its own, continuing the user's numbering from the events before it; the replace_tail
    strategy (macros/incremental) swaps the user's old tail rows for
    the new ones. The tails' events are read from staging (loaded rows and new ones alike). A
    late event is thus placed where its timestamp belongs, extends, merges or
    splits the sessions around it, and no session outside the tails changes. -#}
{%- set timeout_microseconds = var('session_timeout_minutes') * 60 * 1000000 -%}

with

{% if is_incremental() %}
    new_events as (
        select * from {{ ref('stg_clickstream__events') }}
        where _loaded_at > (select max(loaded._loaded_at) from {{ this }} as loaded)
    ),

    new_event_users as (
        select
            user_id,
            min(event_at) as first_new_event_at
        from new_events
        group by user_id
    ),

    {#- What is known of these users' earlier events (a narrow read of the loaded rows). -#}
    loaded_user_events as (
        select
            loaded.user_id,
            loaded.event_at,
            loaded.session_number,
            loaded.event_number_in_session,
            loaded.user_event_number
        from {{ this }} as loaded
        inner join new_event_users
            on loaded.user_id = new_event_users.user_id
    ),

    {#- The user's latest event before the earliest new one, and its session. -#}
    latest_earlier_events as (
        select
            loaded_user_events.user_id,
            max(loaded_user_events.user_event_number) as user_event_number,
            arg_max(loaded_user_events.session_number, loaded_user_events.user_event_number)
                as session_number,
            arg_max(loaded_user_events.event_number_in_session, loaded_user_events.user_event_number)
                as event_number_in_session,
            max(loaded_user_events.event_at) as event_at
        from loaded_user_events
        inner join new_event_users
            on loaded_user_events.user_id = new_event_users.user_id
        where loaded_user_events.event_at < new_event_users.first_new_event_at
        group by loaded_user_events.user_id
    ),

    latest_earlier_sessions as (
        select
            latest_earlier_events.user_id,
            min(loaded_user_events.event_at) filter (
                where loaded_user_events.session_number = latest_earlier_events.session_number
            ) as session_start_at,
            max(loaded_user_events.event_at) filter (
                where loaded_user_events.session_number < latest_earlier_events.session_number
            ) as previous_session_end_at
        from latest_earlier_events
        inner join loaded_user_events
            on latest_earlier_events.user_id = loaded_user_events.user_id
        group by latest_earlier_events.user_id
    ),

    tail_boundaries as (
        select
            new_event_users.user_id,
            new_event_users.first_new_event_at,
            latest_earlier_events.user_event_number,
            latest_earlier_events.session_number,
            latest_earlier_events.event_number_in_session,
            latest_earlier_events.event_at,
            latest_earlier_sessions.session_start_at,
            latest_earlier_sessions.previous_session_end_at,
            coalesce(
                {{ microseconds_between(
                    'latest_earlier_events.event_at', 'new_event_users.first_new_event_at'
                ) }} <= {{ timeout_microseconds }},
                false
            ) as extends_a_session
        from new_event_users
        left join latest_earlier_events
            on new_event_users.user_id = latest_earlier_events.user_id
        left join latest_earlier_sessions
            on new_event_users.user_id = latest_earlier_sessions.user_id
    ),

    {#- Where each user's tail starts, and what comes before it. -#}
    tails as (
        select
            user_id,
            case
                when extends_a_session then session_start_at else first_new_event_at
            end as tail_start_at,
            coalesce(case
                when extends_a_session then user_event_number - event_number_in_session
                else user_event_number
            end, 0) as events_before_tail,
            coalesce(case
                when extends_a_session then session_number - 1 else session_number
            end, 0) as sessions_before_tail,
            case
                when extends_a_session then previous_session_end_at else event_at
            end as event_before_tail_at
        from tail_boundaries
    ),

    tail_lower_bound as (
        select min(tail_start_at) as tail_start_at
        from tails
    ),

    {#- The events of the tails: new ones and loaded ones, from staging, whose rows are in load
        order, so the lower bound skips the blocks of older days. -#}
    tail_events as (
        select
            clean_events.event_id,
            clean_events.user_id,
            clean_events.event_at,
            clean_events.event_type,
            clean_events.source_session_id,
            clean_events.item_id,
            clean_events.order_id,
            clean_events.revenue,
            clean_events.device,
            clean_events.channel,
            clean_events.country
        from {{ ref('stg_clickstream__events') }} as clean_events
        cross join tail_lower_bound
        inner join tails
            on clean_events.user_id = tails.user_id
        where
            clean_events.event_at >= tail_lower_bound.tail_start_at
            and clean_events.event_at >= tails.tail_start_at
    ),

    events as (
        select
            tail_events.*,
            tails.events_before_tail,
            tails.sessions_before_tail,
            tails.event_before_tail_at
        from tail_events
        inner join tails
            on tail_events.user_id = tails.user_id
    ),
{% else %}
    events as (
        select
            *,
            0 as events_before_tail,
            0 as sessions_before_tail,
            cast(null as timestamp) as event_before_tail_at
        from {{ ref('stg_clickstream__events') }}
    ),
{% endif %}

with_gaps as (
    select
        *,
        events_before_tail + row_number() over user_timeline as user_event_number,
        {{ microseconds_between(
            'coalesce(lag(event_at) over user_timeline, event_before_tail_at)', 'event_at'
        ) }} as microseconds_since_previous_event
    from events
    window user_timeline as (partition by user_id order by event_at asc, event_id asc)
),

flagged as (
    select
        *,
        coalesce(
            microseconds_since_previous_event > {{ timeout_microseconds }}, true
        ) as is_session_start
    from with_gaps
),

sessionized as (
    select
        *,
        sessions_before_tail
        + sum(cast(is_session_start as integer)) over user_timeline as session_number,
        -- the id is hashed at the session's first event only (a quarter of the rows) and carried
        -- forward to the session's other events
        {{ last_value_ignore_nulls(
            "case when is_session_start then " ~ row_hash(['user_id', 'event_id']) ~ " end"
        ) }} over user_timeline as session_id,
        {{ last_value_ignore_nulls(
            'case when is_session_start then user_event_number end'
        ) }} over user_timeline as session_first_user_event_number
    from flagged
    -- user_event_number follows (event_at, event_id) one to one; an integer sorts cheaper
    window user_timeline as (
        partition by user_id
        order by user_event_number asc
        rows between unbounded preceding and current row
    )
),

final as (
    select
        event_id,
        session_id,
        user_id,
        event_at,
        cast(event_at as date) as event_date,
        event_type,
        cast(session_number as integer) as session_number,
        {{ user_type('session_number') }} as user_type,
        cast(
            user_event_number - session_first_user_event_number + 1 as integer
        ) as event_number_in_session,
        cast(user_event_number as integer) as user_event_number,
        is_session_start,
        cast(microseconds_since_previous_event / 1e6 as double) as seconds_since_previous_event,
        source_session_id,
        item_id,
        order_id,
        revenue,
        device,
        channel,
        country,
        {{ build_timestamp() }} as _loaded_at
    from sessionized
)

select * from final
