{#- Cohort × period grid: one row per cohort grain (week, month) × cohort start × period number,
    with the cohort's activity, purchases and revenue in the period and to date. A user's
    cohort is the ISO week (Monday) or month of their first active day (dim_users'
    acquisition_week / acquisition_month); period 0 is that period, period n the n-th calendar
    week or month after it. Every cohort has a row for every period from 0 to the one holding
    the last day of data (zeros where nobody came back) and none after (not observable); the
    last may be partly observed (is_complete_period). fct_cohort_retention and fct_cohort_ltv
    select from here. -#}
{%- set cohort_grains = ['week', 'month'] -%}

with

active_days as (
    select * from {{ ref('int_users__active_days') }}
),

date_range as (
    select * from {{ ref('int_events__date_range') }}
),

users as (
    select
        user_id,
        min(activity_date) as first_seen_date,
        min(case when purchase_events > 0 then activity_date end) as first_purchase_date
    from active_days
    group by user_id
),

user_cohorts as (
    {% for grain in cohort_grains %}
        select
            '{{ grain }}' as cohort_grain,
            user_id,
            cast({{ dbt.date_trunc(grain, 'first_seen_date') }} as date) as cohort_start,
            cast(
                {{ dbt.datediff(
                    dbt.date_trunc(grain, 'first_seen_date'),
                    dbt.date_trunc(grain, 'first_purchase_date'),
                    grain
                ) }} as integer
            ) as first_purchase_period_number
        from users
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

cohorts as (
    select
        user_cohorts.cohort_grain,
        user_cohorts.cohort_start,
        count(*) as cohort_size,
        case user_cohorts.cohort_grain
            {% for grain in cohort_grains %}
                when '{{ grain }}' then cast(
                    {{ dbt.datediff(
                        'user_cohorts.cohort_start',
                        dbt.date_trunc(grain, 'date_range.last_event_date'),
                        grain
                    ) }} as integer
                )
            {% endfor %}
        end as last_observable_period_number
    from user_cohorts
    cross join date_range
    group by user_cohorts.cohort_grain, user_cohorts.cohort_start, date_range.last_event_date
),

user_activity as (
    select
        user_cohorts.cohort_grain,
        user_cohorts.cohort_start,
        user_cohorts.user_id,
        user_cohorts.first_purchase_period_number,
        case user_cohorts.cohort_grain
            {% for grain in cohort_grains %}
                when '{{ grain }}' then cast(
                    {{ dbt.datediff(
                        'user_cohorts.cohort_start',
                        dbt.date_trunc(grain, 'active_days.activity_date'),
                        grain
                    ) }} as integer
                )
            {% endfor %}
        end as period_number,
        active_days.purchase_events,
        active_days.revenue
    from active_days
    inner join user_cohorts
        on active_days.user_id = user_cohorts.user_id
),

user_periods as (
    select
        cohort_grain,
        cohort_start,
        user_id,
        period_number,
        max(first_purchase_period_number) as first_purchase_period_number,
        sum(purchase_events) as purchase_events,
        sum(revenue) as revenue
    from user_activity
    group by cohort_grain, cohort_start, user_id, period_number
),

cohort_periods_active as (
    select
        cohort_grain,
        cohort_start,
        period_number,
        count(*) as active_users,
        sum(case when purchase_events > 0 then 1 else 0 end) as purchasing_users,
        sum(case when first_purchase_period_number = period_number then 1 else 0 end)
            as first_time_buyers,
        sum(revenue) as revenue
    from user_periods
    group by cohort_grain, cohort_start, period_number
),

cohort_periods as (
    {{ series_rows(
        'cohorts', 0, 'cohorts.last_observable_period_number', 'period_number',
        carry=['cohort_grain', 'cohort_start', 'cohort_size']
    ) }}
),

filled as (
    select
        cohort_periods.cohort_grain,
        cohort_periods.cohort_start,
        cast(cohort_periods.period_number as integer) as period_number,
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
        coalesce(cohort_periods_active.first_time_buyers, 0) as first_time_buyers,
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
        cast(filled.purchasing_users as bigint) as purchasing_users,
        cast(filled.first_time_buyers as bigint) as first_time_buyers,
        cast(
            sum(filled.first_time_buyers) over cohort_timeline as bigint
        ) as cumulative_buyers,
        cast(filled.revenue as decimal(18, 2)) as revenue,
        cast(
            sum(filled.revenue) over cohort_timeline as decimal(18, 2)
        ) as cumulative_revenue
    from filled
    cross join date_range
    window cohort_timeline as (
        partition by filled.cohort_grain, filled.cohort_start
        order by filled.period_number asc
        rows between unbounded preceding and current row
    )
)

select * from final
