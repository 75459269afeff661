-- Every session is one user's contiguous run of events: positions 1..n without gaps, one
-- session_number, and only its first event is a session start.
select
    session_id,
    count(*) as event_count,
    count(distinct user_id) as user_count,
    count(distinct session_number) as session_numbers,
    min(event_number_in_session) as first_position,
    max(event_number_in_session) as last_position,
    count(*) filter (where is_session_start) as session_starts
from {{ ref('fct_events') }}
group by session_id
having
    count(distinct user_id) != 1
    or count(distinct session_number) != 1
    or min(event_number_in_session) != 1
    or max(event_number_in_session) != count(*)
    or count(*) filter (where is_session_start) != 1
