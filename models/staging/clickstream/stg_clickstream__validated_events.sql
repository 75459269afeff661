{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    post_hook=[
        "{{ stop_on_unclosed_quote(this) }}",
        "{{ stop_without_clean_events(this) }}"
    ]
) }}

{#- Every raw row, typed and trimmed, with its load outcome: clean, quarantined (with the first
    rule it breaks; a CSV record with missing or extra fields is malformed_row before anything
    else, since its fields cannot be trusted to be in their columns) or duplicate (of an earlier
    clean row with the same event_id, in file and row order, across all files; rows without an
    event_id get one derived from their full content, so identical rows are duplicates). Revenue
    belongs to purchases only: on any other event type it is dropped (not checked, not kept) and
    the row says so in revenue_adjustment ('dropped_not_purchase'); a purchase revenue with more
    than two decimals is rounded to cents ('rounded_to_cents'). dq_event_load_audit counts both.
    The post-hooks stop the build on a CSV quote that is never closed and when no row the build
    loaded is clean.

    Incremental: a build reads only the files it has not loaded yet (stg_clickstream__event_files
    says which files there are and stops on a changed one); their rows are appended and never
    rewritten. Since files load in name order, a new row is a duplicate when its event_id is
    already clean in an earlier file, and too_late (the last rule) when its event_at is more than
    var('late_event_days') days before the newest event of the earlier files: the same rules a
    full refresh applies to all files at once, so both give the same rows. -#}
{%- set raw_relation = ref('stg_clickstream__raw_events') -%}
{%- set event_files = ref('stg_clickstream__event_files') -%}
{%- set raw_types = column_types(raw_relation) -%}
{%- set text_columns = [
    'user_id', 'source_event_id', 'source_session_id', 'item_id', 'order_id',
    'device', 'channel', 'country'
] -%}
{%- if var('event_at_ceiling', none) is not none -%}
    {%- set event_at_ceiling = "timestamp '" ~ var('event_at_ceiling') ~ "'" -%}
{%- else -%}
    {%- set event_at_ceiling = "timestamp '" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S')
        ~ "' + interval '" ~ var('future_tolerance_minutes') ~ "' minute" -%}
{%- endif -%}
{%- set new_files = [] -%}
{%- if execute and is_incremental() -%}
    {%- set new_files = run_query(
        'select source_file from ' ~ event_files ~ ' where source_file not in '
        ~ '(select distinct source_file from ' ~ this ~ ') order by source_file'
    ).columns[0].values() | list -%}
{%- endif %}

with

raw_events as (
    select * from {{ raw_relation }}
    {%- if is_incremental() %}
    where source_file in ({{ sql_string_list(new_files)[1:-1] or 'null' }})
    {%- endif %}
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
            when not {{ is_finite('revenue_value') }} then 'non_finite_revenue'
            when revenue_value < 0 then 'negative_revenue'
            when revenue_value > {{ var('max_revenue') }} then 'revenue_too_large'
            when greatest(
                {%- for column in text_columns %}
                    coalesce(length({{ column }}), 0){{ ',' if not loop.last }}
                {%- endfor %}
            ) > {{ var('max_text_length') }} then 'text_too_long'
        end as content_problem,
        case when source_event_id is null then {{ row_hash([
            'user_id', 'event_at', 'source_event_type', 'source_session_id', 'item_id',
            'order_id', 'revenue_value', 'device', 'channel', 'country'
        ]) }} end as derived_id_hash
    from valued
),

identified as (
    select
        *,
        coalesce(source_event_id, 'derived-' || derived_id_hash) as event_id,
        {{ id_hash("coalesce(source_event_id, 'derived-' || derived_id_hash)") }} as _event_id_hash
    from checked
),

file_newest_events as (
    select
        source_file,
        max(event_at) as newest_event_at
    from identified
    where content_problem is null
    group by source_file
),

{#- Per file, the newest event of the files before it in load order: of earlier builds
    (incremental: the latest build's rows know the newest event before them and hold their
    own) and of the files before it in this one. -#}
{%- if is_incremental() %}
loaded_newest_events as (
    select
        greatest(
            max(earlier_files_newest_event_at),
            max(event_at) filter (where load_outcome <> 'quarantined')
        ) as newest_event_at
    from {{ this }}
    where _loaded_at = (select max(latest._loaded_at) from {{ this }} as latest)
),
{%- endif %}

file_watermarks as (
    select
        file_newest_events.source_file,
        {%- if is_incremental() %}
            greatest(
                loaded_newest_events.newest_event_at,
                max(file_newest_events.newest_event_at) over earlier_files
            ) as earlier_files_newest_event_at
        {%- else %}
            max(file_newest_events.newest_event_at) over earlier_files
                as earlier_files_newest_event_at
        {%- endif %}
    from file_newest_events
    {%- if is_incremental() %}
    cross join loaded_newest_events
    {%- endif %}
    window earlier_files as (
        order by file_newest_events.source_file asc
        rows between unbounded preceding and 1 preceding
    )
),

late_checked as (
    select
        identified.*,
        file_watermarks.earlier_files_newest_event_at,
        coalesce(
            identified.content_problem,
            case
                when identified.event_at < {{ dbt.dateadd(
                    'day', -var('late_event_days'), 'file_watermarks.earlier_files_newest_event_at'
                ) }} then 'too_late'
            end
        ) as quarantine_reason
    from identified
    left join file_watermarks
        on identified.source_file = file_watermarks.source_file
),

repeated_event_ids as (
    select event_id
    from late_checked
    where quarantine_reason is null
    group by event_id
    having count(*) > 1
),

occurrences as (
    -- Ranking only the rows whose event_id repeats keeps the common case sort-free.
    select
        late_checked.source_file,
        late_checked.source_row_number,
        row_number() over (
            partition by late_checked.event_id
            order by late_checked.source_file, late_checked.source_row_number
        ) as event_id_occurrence
    from late_checked
    inner join repeated_event_ids
        on late_checked.event_id = repeated_event_ids.event_id
    where late_checked.quarantine_reason is null
),

{# Event ids already clean in an earlier build's files: new rows with them are duplicates. #}
loaded_event_ids as (
    {%- if is_incremental() %}
    -- the 8-byte hash narrows millions of loaded rows to the few candidates; the id decides
    select loaded.event_id
    from {{ this }} as loaded
    where
        loaded.load_outcome = 'clean'
        and loaded._event_id_hash in (
            select late_checked._event_id_hash from late_checked
            where late_checked.quarantine_reason is null
        )
        and loaded.event_id in (
            select late_checked.event_id from late_checked
            where late_checked.quarantine_reason is null
        )
    {%- else %}
        select cast(null as string) as event_id
        where false
    {%- endif %}
),

ranked as (
    select
        late_checked.*,
        coalesce(occurrences.event_id_occurrence, 1)
        + case when loaded_event_ids.event_id is null then 0 else 1 end as event_id_occurrence
    from late_checked
    left join occurrences
        on
            late_checked.source_file = occurrences.source_file
            and late_checked.source_row_number = occurrences.source_row_number
    left join loaded_event_ids
        on late_checked.event_id = loaded_event_ids.event_id
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
        end as load_reason,
        earlier_files_newest_event_at,
        _event_id_hash,
        {{ build_timestamp() }} as _loaded_at
    from ranked
)

select * from final
