{{ config(post_hook=[
    "{{ stop_on_unclosed_quote(this, var('events_path')) }}",
    "{{ stop_without_clean_events(this) }}"
]) }}

{#- Every raw row, typed and trimmed, with its load outcome: clean, quarantined (with the first
    rule it breaks; a CSV record with missing or extra fields is malformed_row before anything
    else, since its fields cannot be trusted to be in their columns) or duplicate (of an earlier
    clean row with the same event_id; rows without an event_id get one derived from their full
    content, so identical rows are duplicates). Revenue belongs to purchases only: on any other
    event type it is dropped (not checked, not kept) and the row says so in revenue_adjustment
    ('dropped_not_purchase'); a purchase revenue with more than two decimals is rounded to
    cents ('rounded_to_cents'). dq_event_load_audit counts both. The post-hooks stop the build
    on a CSV quote that is never closed and when no row is clean. -#}
{%- set raw_relation = ref('stg_clickstream__raw_events') -%}
{%- set raw_types = column_types(raw_relation) -%}
{%- set text_columns = [
    'user_id', 'source_event_id', 'source_session_id', 'item_id', 'order_id',
    'device', 'channel', 'country'
] -%}
{%- if var('event_at_ceiling', none) is not none -%}
    {%- set event_at_ceiling = "timestamp '" ~ var('event_at_ceiling') ~ "'" -%}
{%- else -%}
    {%- set event_at_ceiling = "timestamp '" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S')
        ~ "' + interval (" ~ var('future_tolerance_minutes') ~ ") minute" -%}
{%- endif -%}

with

raw_events as (
    select * from {{ raw_relation }}
),

event_type_map as (
    select * from {{ ref('event_type_map') }}
),

trimmed as (
    select
        source_file,
        source_row_number,
        parse_error,
        {{ clean_id('user_id') }} as user_id,
        {{ clean_text('event_at') }} as event_at_text,
        {{ parse_utc_timestamp('event_at', raw_types.get('event_at')) }} as event_at,
        lower({{ clean_text('event_type') }}) as source_event_type,
        {{ clean_id('event_id') }} as source_event_id,
        {{ clean_text('session_id') }} as source_session_id,
        {{ clean_text('item_id') }} as item_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('revenue') }} as revenue_text,
        lower({{ clean_text('device') }}) as device,
        lower({{ clean_text('channel') }}) as channel,
        upper({{ clean_text('country') }}) as country
    from raw_events
),

typed as (
    select
        trimmed.*,
        event_type_map.event_type,
        case
            when event_type_map.event_type = 'purchase' then trimmed.revenue_text
        end as purchase_revenue_text
    from trimmed
    left join event_type_map
        on trimmed.source_event_type = event_type_map.source_event_type
),

valued as (
    select
        *,
        try_cast(purchase_revenue_text as double) as revenue_value
    from typed
),

checked as (
    select
        *,
        case
            when parse_error is not null then 'malformed_row'
            when user_id is null then 'missing_user_id'
            when event_at_text is null then 'missing_event_at'
            when event_at is null then 'unparseable_event_at'
            when event_at < timestamp '{{ var("event_at_floor") }}' then 'event_at_before_floor'
            when event_at > {{ event_at_ceiling }} then 'event_at_in_future'
            when source_event_type is null then 'missing_event_type'
            when event_type is null then 'unknown_event_type'
            when
                purchase_revenue_text is not null and revenue_value is null
                then 'unparseable_revenue'
            when isnan(revenue_value) or isinf(revenue_value) then 'non_finite_revenue'
            when revenue_value < 0 then 'negative_revenue'
            when revenue_value > {{ var('max_revenue') }} then 'revenue_too_large'
            when greatest(
                {%- for column in text_columns %}
                    coalesce(length({{ column }}), 0){{ ',' if not loop.last }}
                {%- endfor %}
            ) > {{ var('max_text_length') }} then 'text_too_long'
        end as quarantine_reason,
        case when source_event_id is null then {{ row_hash([
            'user_id', 'event_at', 'source_event_type', 'source_session_id', 'item_id',
            'order_id', 'revenue_value', 'device', 'channel', 'country'
        ]) }} end as derived_id_hash
    from valued
),

identified as (
    select
        *,
        coalesce(source_event_id, 'derived-' || derived_id_hash) as event_id
    from checked
),

repeated_event_ids as (
    select event_id
    from identified
    where quarantine_reason is null
    group by event_id
    having count(*) > 1
),

occurrences as (
    -- Ranking only the rows whose event_id repeats keeps the common case sort-free.
    select
        identified.source_file,
        identified.source_row_number,
        row_number() over (
            partition by identified.event_id
            order by identified.source_file, identified.source_row_number
        ) as event_id_occurrence
    from identified
    inner join repeated_event_ids
        on identified.event_id = repeated_event_ids.event_id
    where identified.quarantine_reason is null
),

ranked as (
    select
        identified.*,
        coalesce(occurrences.event_id_occurrence, 1) as event_id_occurrence
    from identified
    left join occurrences
        on
            identified.source_file = occurrences.source_file
            and identified.source_row_number = occurrences.source_row_number
),

final as (
    select
        source_file,
        source_row_number,
        event_id,
        source_event_id is null as is_event_id_derived,
        user_id,
        event_at,
        event_type,
        source_event_type,
        source_session_id,
        item_id,
        order_id,
        -- try_cast: quarantined NaN, infinite or absurd values do not fit (see revenue_text)
        try_cast(revenue_value as decimal(18, 2)) as revenue,
        case
            when quarantine_reason is not null then null
            when revenue_text is not null and purchase_revenue_text is null
                then 'dropped_not_purchase'
            when revenue_value != round(revenue_value, 2) then 'rounded_to_cents'
        end as revenue_adjustment,
        device,
        channel,
        country,
        event_at_text,
        revenue_text,
        parse_error,
        case
            when quarantine_reason is not null then 'quarantined'
            when event_id_occurrence > 1 then 'duplicate'
            else 'clean'
        end as load_outcome,
        case
            when quarantine_reason is not null then quarantine_reason
            when event_id_occurrence > 1 and source_event_id is null then 'duplicate_row'
            when event_id_occurrence > 1 then 'duplicate_event_id'
        end as load_reason
    from ranked
)

select * from final
