-- Sessionization keeps every clean event exactly once.
with

clean_events as (
    select count(*) as row_count from {{ ref('stg_clickstream__events') }}
),

sessionized_events as (
    select count(*) as row_count from {{ ref('fct_events') }}
),

session_events as (
    select sum(event_count) as row_count from {{ ref('fct_sessions') }}
)

select
    clean_events.row_count as clean_events,
    sessionized_events.row_count as sessionized_events,
    session_events.row_count as events_in_sessions
from clean_events
cross join sessionized_events
cross join session_events
where
    clean_events.row_count != sessionized_events.row_count
    or clean_events.row_count != session_events.row_count
