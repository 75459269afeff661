-- marts.dq_dataset_profile is one row whose counts agree with the models they summarise.
with

profile as (
    select * from {{ ref('dq_dataset_profile') }}
),

actual as (
    select
        (select count(*) from {{ ref('dq_dataset_profile') }}) as profile_rows,
        (select count(*) from {{ ref('stg_clickstream__raw_events') }}) as raw_rows,
        (select count(*) from {{ ref('stg_clickstream__events') }}) as clean_events,
        (select count(*) from {{ ref('stg_clickstream__quarantined_events') }}) as quarantined_rows,
        (select count(*) from {{ ref('stg_clickstream__duplicate_events') }}) as duplicate_rows,
        (select count(*) from {{ ref('fct_sessions') }}) as sessions,
        (select count(distinct user_id) from {{ ref('fct_events') }}) as user_count
)

select
    actual.*,
    profile.raw_rows as profile_raw_rows,
    profile.clean_events as profile_clean_events
from actual
left join profile on true
where
    actual.profile_rows != 1
    or profile.raw_rows != actual.raw_rows
    or profile.clean_events != actual.clean_events
    or profile.quarantined_rows != actual.quarantined_rows
    or profile.duplicate_rows != actual.duplicate_rows
    or profile.sessions != actual.sessions
    or profile.users != actual.user_count
