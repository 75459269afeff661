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
{%- set path = var('events_path') -%}
{%- set file_columns = events_file_columns(path) -%}
{%- do require_events_file_columns(
    path, file_columns, [['event_time', 'event_time_utc'], 'event_type', 'user_id'], 'rees46') -%}
{%- set event_time_column = 'event_time' if 'event_time' in file_columns else 'event_time_utc' %}

with

source_rows as (
    select * from {{ events_file_rows(path, file_columns) }} as source_rows
),

final as (
    select
        source_file,
        source_row_number,
        parse_error,
        cast(user_id as varchar) as user_id,
        "{{ event_time_column }}" as event_at,
        cast(event_type as varchar) as event_type,
        cast(null as varchar) as event_id,
        cast({{ events_file_column('user_session', file_columns) }} as varchar) as session_id,
        cast({{ events_file_column('product_id', file_columns) }} as varchar) as item_id,
        cast(null as varchar) as order_id,
        {{ events_file_column('price', file_columns) }} as revenue,
        cast(null as varchar) as device,
        cast(null as varchar) as channel,
        cast(null as varchar) as country
    from source_rows
)

select * from final
