{#- One row: the first and last event in the data. Retention and cohort periods after
    last_event_date are not observable yet (null flags, cut periods). -#}
with

events as (
    select * from {{ ref('fct_events') }}
),

final as (
    select
        min(event_at) as first_event_at,
        max(event_at) as last_event_at,
        cast(min(event_at) as date) as first_event_date,
        cast(max(event_at) as date) as last_event_date
    from events
)

select * from final
