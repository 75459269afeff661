-- KPI anomalies of the last 7 days of data (the week up to the last day), most extreme first.
with

anomalies as (
    select * from {{ ref('fct_kpi_anomalies') }}
),

last_day as (
    select max(date_day) as last_date_day
    from anomalies
),

final as (
    select
        anomalies.date_day,
        anomalies.kpi_name,
        round(anomalies.kpi_value, 4) as kpi_value,
        round(anomalies.trailing_mean, 4) as trailing_mean,
        round(anomalies.z_score, 2) as z_score,
        anomalies.is_anomaly
    from anomalies
    cross join last_day
    where anomalies.date_day > {{ dbt.dateadd('day', -7, 'last_day.last_date_day') }}
)

select * from final
order by is_anomaly desc, abs(z_score) desc nulls last, date_day desc, kpi_name asc
