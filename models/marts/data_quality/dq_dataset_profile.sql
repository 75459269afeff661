{#- One row describing the events the warehouse was built on: which file and format, the time
    span, how many users, events and sessions, and which measures the data can support. A
    measure the source does not carry (RetailRocket has no prices, no devices, no channels) has
    its has_* flag false, so that reports say "unavailable" instead of reporting zero. -#}
with

validated_events as (
    select * from {{ ref('stg_clickstream__validated_events') }}
),

events as (
    select * from {{ ref('fct_events') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

load_counts as (
    select
        count(*) as raw_rows,
        count(*) filter (where load_outcome = 'quarantined') as quarantined_rows,
        count(*) filter (where load_outcome = 'duplicate') as duplicate_rows
    from validated_events
),

event_counts as (
    select
        min(event_at) as first_event_at,
        max(event_at) as last_event_at,
        count(*) as clean_events,
        count(distinct user_id) as user_count,
        count(distinct item_id) as items,
        count(*) filter (where event_type = 'purchase') as purchase_events,
        count(*) filter (
            where event_type = 'purchase' and revenue is not null
        ) as purchase_events_with_revenue,
        count(device) as events_with_device,
        count(channel) as events_with_channel,
        count(country) as events_with_country,
        count(order_id) filter (where event_type = 'purchase') as purchase_events_with_order_id,
        count(distinct source_session_id) as source_sessions
    from events
),

session_counts as (
    select count(*) as sessions
    from sessions
),

final as (
    select
        cast({{ sql_string(var('events_format')) }} as string) as events_format,
        cast({{ sql_string(var('events_path')) }} as string) as events_path,
        event_counts.first_event_at,
        event_counts.last_event_at,
        cast(load_counts.raw_rows as bigint) as raw_rows,
        cast(event_counts.clean_events as bigint) as clean_events,
        cast(load_counts.quarantined_rows as bigint) as quarantined_rows,
        cast(load_counts.duplicate_rows as bigint) as duplicate_rows,
        cast(event_counts.user_count as bigint) as users,  -- noqa: RF04
        cast(session_counts.sessions as bigint) as sessions,
        cast(event_counts.items as bigint) as items,
        cast(event_counts.purchase_events as bigint) as purchase_events,
        cast(event_counts.source_sessions as bigint) as source_sessions,
        event_counts.purchase_events_with_revenue > 0 as has_revenue,
        cast(
            event_counts.purchase_events_with_revenue
            / nullif(event_counts.purchase_events, 0) as double
        ) as revenue_coverage,
        event_counts.purchase_events_with_order_id > 0 as has_order_ids,
        event_counts.events_with_device > 0 as has_device,
        event_counts.events_with_channel > 0 as has_channel,
        event_counts.events_with_country > 0 as has_country,
        event_counts.source_sessions > 0 as has_source_sessions
    from load_counts
    cross join event_counts
    cross join session_counts
)

select * from final
