{{ config(materialized='view', enabled=(var('events_format') == 'rees46')) }}

{#- REES46 events (Kaggle "eCommerce behavior data from multi category store", the monthly
    CSVs, or a typed Parquet copy) mapped onto the canonical raw contract. Built only when
    var('events_format') is 'rees46'.
    event_time ('2019-10-01 00:00:00 UTC'; a typed Parquet copy may call it event_time_utc) ->
    event_at, event_type (view / cart / remove_from_cart / purchase, mapped by the event_type_map
    seed), product_id -> item_id, user_id, user_session -> session_id (the source's session, kept
    as source_session_id), price -> revenue: price is the item's price at event time and a
    purchase row is one order line, so it is revenue on purchases only; on views and carts the
    staging rule for every format drops it (stg_clickstream__validated_events). category_id, category_code and brand are not part of the event contract. No event ids
    (derived from the content downstream), order ids, devices, channels or countries. -#}
{%- set files = events_files() -%}
{%- set read = events_files_columns(files) -%}
{%- set file_columns = read['columns'] -%}
{%- for file in files -%}
    {%- do require_events_file_columns(file, read['by_file'][file],
        [['event_time', 'event_time_utc'], 'event_type', 'user_id'], 'rees46') -%}
{%- endfor -%}
{%- set event_time_column = 'event_time' if 'event_time' in file_columns else 'event_time_utc' %}

with

source_rows as (
    select * from {{ events_files_rows(files, read) }} as source_rows
),

final as (
    select
        source_file,
        source_row_number,
        parse_error,
        cast(user_id as string) as user_id,
        {{ adapter.quote(event_time_column) }} as event_at,
        cast(event_type as string) as event_type,
        cast(null as string) as event_id,
        cast({{ events_file_column('user_session', file_columns) }} as string) as session_id,
        cast({{ events_file_column('product_id', file_columns) }} as string) as item_id,
        cast(null as string) as order_id,
        {{ events_file_column('price', file_columns) }} as revenue,
        cast(null as string) as device,
        cast(null as string) as channel,
        cast(null as string) as country
    from source_rows
)

select * from final
