{#- One row per calendar day (UTC) from the first to the last day of data, with or without
    traffic: the spine that daily series fill their gaps from. -#}
with

date_range as (
    select * from {{ ref('int_events__date_range') }}
),

days as (
    {{ series_rows('date_range', 'date_range.first_event_date', 'date_range.last_event_date',
        'date_day', by_day=true) }}
),

final as (
    select
        date_day,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start
    from days
)

select * from final
