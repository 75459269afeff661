-- How well our 30-minute sessions agree with the source's own session ids (REES46
-- user_session): source sessions per agreement class, and the share that maps to exactly one
-- of ours. Compile with `dbt compile`, then run the SQL in target/compiled/ against the
-- warehouse (or query marts.dq_source_session_agreement directly).
with

source_sessions as (
    select * from {{ ref('dq_source_session_agreement') }}
),

per_class as (
    select
        agreement,
        count(*) as source_sessions,
        count(*) filter (where maps_to_one_session) as mapping_to_one_of_ours,
        median(max_gap_seconds) as median_max_gap_seconds,
        median(seconds_since_previous_source_session)
            as median_seconds_since_previous_source_session
    from source_sessions
    group by agreement
),

final as (
    select
        agreement,
        source_sessions,
        mapping_to_one_of_ours,
        median_max_gap_seconds,
        median_seconds_since_previous_source_session,
        source_sessions / sum(source_sessions) over () as share_of_source_sessions
    from per_class
)

select * from final
order by source_sessions desc
