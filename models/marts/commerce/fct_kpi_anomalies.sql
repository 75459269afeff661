{#- One row per day × KPI (sessions, orders, revenue, conversion_rate = purchasing sessions /
    sessions), every day from the first to the last day of data (a day without traffic has
    zeros; its conversion_rate is null). The baseline is the trailing window of the
    var('anomaly_window_days') (default 28) days before the day (the day itself excluded):
    mean and sample standard deviation of the KPI over the days of the window that have a
    value. z_score = (value - mean) / standard deviation, null while the window is not full
    or has no spread; is_anomaly when |z_score| > var('anomaly_z') (default 2), false when
    there is no z_score. -#}
{%- set window_days = var('anomaly_window_days') -%}
{%- set kpis = ['sessions', 'orders', 'revenue', 'conversion_rate'] -%}

with

days as (
    select * from {{ ref('int_events__days') }}
),

segment_days as (
    select * from {{ ref('int_sessions__segment_days') }}
),

daily_totals as (
    select
        session_date,
        sum(sessions) as sessions,
        sum(purchasing_sessions) as purchasing_sessions,
        sum(orders) as orders,
        sum(revenue) as revenue
    from segment_days
    group by session_date
),

daily as (
    select
        days.date_day,
        cast(coalesce(daily_totals.sessions, 0) as double) as sessions,
        cast(coalesce(daily_totals.orders, 0) as double) as orders,
        cast(coalesce(daily_totals.revenue, 0) as double) as revenue,
        cast(
            daily_totals.purchasing_sessions / nullif(daily_totals.sessions, 0) as double
        ) as conversion_rate
    from days
    left join daily_totals
        on days.date_day = daily_totals.session_date
),

kpi_values as (
    {% for kpi in kpis %}
        select
            date_day,
            '{{ kpi }}' as kpi_name,
            {{ kpi }} as kpi_value
        from daily
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

baselines as (
    select
        *,
        count(*) over trailing_days as window_days,
        count(kpi_value) over trailing_days as window_values,
        avg(kpi_value) over trailing_days as trailing_mean,
        stddev_samp(kpi_value) over trailing_days as trailing_stddev
    from kpi_values
    window trailing_days as (
        partition by kpi_name
        order by date_day asc
        rows between {{ window_days }} preceding and 1 preceding
    )
),

scored as (
    select
        *,
        case
            when window_days = {{ window_days }} and trailing_stddev > 0
                then (kpi_value - trailing_mean) / trailing_stddev
        end as z_score
    from baselines
),

final as (
    select
        date_day,
        kpi_name,
        kpi_value,
        cast(window_values as integer) as window_values,
        cast(trailing_mean as double) as trailing_mean,
        cast(trailing_stddev as double) as trailing_stddev,
        cast(z_score as double) as z_score,
        coalesce(abs(z_score) > {{ var('anomaly_z') }}, false) as is_anomaly
    from scored
)

select * from final
