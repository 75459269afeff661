{#- One row per calendar day (UTC) of the data: MetricFlow's time spine (metric_time) and a
    calendar for analysts. -#}
with

days as (
    select * from {{ ref('int_events__days') }}
),

final as (
    select
        date_day,
        week_start,
        month_start
    from days
)

select * from final
