{#- fct_experiment_variant_stats as known on each look date: for each look_date from the
    experiment's first exposure date to the last day on which a metric window closed, the
    statistics of the users whose metric window had closed by the end of that day (known_date <=
    look_date; a 7-day metric has nobody before day 7). A user's value is never counted before
    it is known, so the last look_date equals fct_experiment_variant_stats. -#}
{%- set columns = experiment_statistics_columns() %}
{%- set keys = experiment_statistics_keys() %}

with

spine as (
    select * from {{ ref('int_experiment_stats_spine') }}
),

by_known_date as (
    select * from {{ ref('int_experiment_stats_by_known_date') }}
),

exposures as (
    select * from {{ ref('fct_experiment_exposures') }}
),

exposure_days as (
    select
        experiment_id,
        min(exposure_date) as first_look_date,
        max(exposure_date) as last_exposure_date
    from exposures
    group by experiment_id
),

known_days as (
    select
        experiment_id,
        max(known_date) as last_known_date
    from by_known_date
    group by experiment_id
),

look_ranges as (
    select
        exposure_days.experiment_id,
        exposure_days.first_look_date,
        greatest(
            exposure_days.last_exposure_date,
            coalesce(known_days.last_known_date, exposure_days.last_exposure_date)
        ) as last_look_date
    from exposure_days
    left join known_days
        on exposure_days.experiment_id = known_days.experiment_id
),

look_dates as (
    {{ series_rows('look_ranges', 'look_ranges.first_look_date', 'look_ranges.last_look_date',
        'look_date', carry=['experiment_id'], by_day=true) }}
),

daily_spine as (
    select
        spine.*,
        look_dates.look_date
    from spine
    inner join look_dates
        on spine.experiment_id = look_dates.experiment_id
),

daily as (
    select
        daily_spine.experiment_id,
        daily_spine.variant,
        daily_spine.metric_name,
        daily_spine.segment_name,
        daily_spine.segment_value,
        daily_spine.metric_type,
        daily_spine.look_date,
        {{ experiment_zero_filled_statistics('by_known_date', 'daily_spine') }}
    from daily_spine
    left join by_known_date
        on
            {{ columns_match('daily_spine', 'by_known_date', keys) }}
            and daily_spine.look_date = by_known_date.known_date
),

final as (
    select
        experiment_id,
        variant,
        metric_name,
        segment_name,
        segment_value,
        metric_type,
        look_date,
        cast(sum(users) over cumulative as bigint) as users,  -- noqa: RF04
        {% for column in columns if column != 'users' -%}
            sum({{ column }}) over cumulative as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from daily
    window cumulative as (
        partition by {{ keys | join(', ') }}
        order by look_date asc
        rows between unbounded preceding and current row
    )
)

select * from final
