{#- Cohort retention: one row per cohort grain (week, month) × cohort start × period number.
    A user's cohort is their acquisition week (ISO, Monday) or month (dim_users); period 0 is
    the acquisition period itself and period n the n-th week/month after it. Every cohort has
    a row for every period from 0 up to the one containing the last day of data (zeros where
    nobody was active); later periods are not observable and have no row. The last period
    may be partly observed: is_complete_period says so. -#}
{%- set cohort_grains = ['week', 'month'] -%}

with

users as (
    select * from {{ ref('dim_users') }}
),

active_days as (
    select * from {{ ref('int_users__active_days') }}
),

date_range as (
    select * from {{ ref('int_events__date_range') }}
),

cohorts as (
    {% for grain in cohort_grains %}
        select
            '{{ grain }}' as cohort_grain,
            acquisition_{{ grain }} as cohort_start,
            count(*) as cohort_size,
            cast(
                {{ dbt.datediff(
                    'acquisition_' ~ grain,
                    dbt.date_trunc(grain, 'date_range.last_event_date'),
                    grain
                ) }} as integer
            ) as last_observable_period_number
        from users
        cross join date_range
        group by acquisition_{{ grain }}, date_range.last_event_date
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

user_periods as (
    {% for grain in cohort_grains %}
        select
            '{{ grain }}' as cohort_grain,
            users.acquisition_{{ grain }} as cohort_start,
            users.user_id,
            cast(
                {{ dbt.datediff(
                    'users.acquisition_' ~ grain,
                    dbt.date_trunc(grain, 'active_days.activity_date'),
                    grain
                ) }} as integer
            ) as period_number,
            sum(active_days.purchase_events) > 0 as purchased,
            sum(active_days.revenue) as revenue
        from active_days
        inner join users
            on active_days.user_id = users.user_id
        group by users.acquisition_{{ grain }}, users.user_id, period_number
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

cohort_periods_active as (
    select
        cohort_grain,
        cohort_start,
        period_number,
        count(*) as active_users,
        count(*) filter (where purchased) as purchasing_users,
        sum(revenue) as revenue
    from user_periods
    group by cohort_grain, cohort_start, period_number
),

cohort_periods as (
    select
        cohorts.cohort_grain,
        cohorts.cohort_start,
        cohorts.cohort_size,
        cast(period_numbers.period_number as integer) as period_number
    from cohorts
    cross join
        lateral unnest(
            generate_series(0, cohorts.last_observable_period_number)
        ) as period_numbers (period_number)
),

filled as (
    select
        cohort_periods.cohort_grain,
        cohort_periods.cohort_start,
        cohort_periods.period_number,
        case cohort_periods.cohort_grain
            {% for grain in cohort_grains %}
                when '{{ grain }}' then cast(
                    {{ dbt.dateadd(
                        grain, 'cohort_periods.period_number', 'cohort_periods.cohort_start'
                    ) }} as date
                )
            {% endfor %}
        end as period_start,
        case cohort_periods.cohort_grain
            {% for grain in cohort_grains %}
                when '{{ grain }}' then cast(
                    {{ dbt.dateadd(
                        grain, 'cohort_periods.period_number + 1', 'cohort_periods.cohort_start'
                    ) }} as date
                ) - 1
            {% endfor %}
        end as period_end,
        cohort_periods.cohort_size,
        coalesce(cohort_periods_active.active_users, 0) as active_users,
        coalesce(cohort_periods_active.purchasing_users, 0) as purchasing_users,
        coalesce(cohort_periods_active.revenue, 0) as revenue
    from cohort_periods
    left join cohort_periods_active
        on
            cohort_periods.cohort_grain = cohort_periods_active.cohort_grain
            and cohort_periods.cohort_start = cohort_periods_active.cohort_start
            and cohort_periods.period_number = cohort_periods_active.period_number
),

final as (
    select
        filled.cohort_grain,
        filled.cohort_start,
        filled.period_number,
        filled.period_start,
        filled.period_end,
        filled.period_end <= date_range.last_event_date as is_complete_period,
        cast(filled.cohort_size as bigint) as cohort_size,
        cast(filled.active_users as bigint) as active_users,
        cast(filled.active_users / filled.cohort_size as double) as retention_rate,
        cast(filled.purchasing_users as bigint) as purchasing_users,
        cast(filled.revenue as decimal(18, 2)) as revenue,
        cast(
            sum(filled.revenue) over cohort_timeline as decimal(18, 2)
        ) as cumulative_revenue,
        cast(
            sum(filled.revenue) over cohort_timeline / filled.cohort_size as double
        ) as cumulative_revenue_per_user
    from filled
    cross join date_range
    window cohort_timeline as (
        partition by filled.cohort_grain, filled.cohort_start
        order by filled.period_number asc
        rows between unbounded preceding and current row
    )
)

select * from final
