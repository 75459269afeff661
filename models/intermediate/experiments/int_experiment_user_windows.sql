{#- Experiment x exposed user: the base aggregates of experiment_base_aggregates() over two
    windows of the user's events, by position in the user's (event_at, event_id) order:

    - observed_*: the conversion window, from the exposure event on (the exposure event
      included; nothing before it counts) while event_at < exposed_at + conversion_window_hours
      (an event exactly at the end is out);
    - pre_*: the pre-exposure window, events before the exposure event with
      event_at >= exposed_at - pre_period_days (the CUPED covariate window).

    One pass over the events of the types the metrics read. -#}
{%- set aggregates = experiment_base_aggregates() %}

with

exposures as (
    select * from {{ ref('fct_experiment_exposures') }}
),

experiments as (
    select * from {{ ref('int_experiments_resolved') }}
),

events as (
    select * from {{ ref('fct_events') }}
),

exposure_windows as (
    select
        exposures.experiment_id,
        exposures.user_id,
        exposures.exposed_at,
        exposures.exposure_user_event_number,
        {{ dbt.dateadd('day', '-experiments.pre_period_days', 'exposures.exposed_at') }}
            as pre_window_start_at,
        {{ dbt.dateadd('hour', 'experiments.conversion_window_hours', 'exposures.exposed_at') }}
            as conversion_window_end_at
    from exposures
    inner join experiments
        on exposures.experiment_id = experiments.experiment_id
),

metric_events as (
    select
        user_id,
        event_id,
        event_at,
        event_type,
        user_event_number,
        order_id,
        revenue
    from events
    where event_type in {{ experiment_metric_event_types() }}
),

windowed_events as (
    select
        exposure_windows.experiment_id,
        exposure_windows.user_id,
        metric_events.event_id,
        metric_events.event_type,
        metric_events.order_id,
        metric_events.revenue,
        metric_events.user_event_number >= exposure_windows.exposure_user_event_number
            as is_conversion_window
    from metric_events
    inner join exposure_windows
        on
            metric_events.user_id = exposure_windows.user_id
            and metric_events.event_at >= exposure_windows.pre_window_start_at
            and metric_events.event_at < exposure_windows.conversion_window_end_at
),

aggregated as (
    select
        experiment_id,
        user_id,
        {% for name in aggregates -%}
            {{ experiment_base_aggregate(name, 'is_conversion_window') }}
                as observed_{{ name }},
            {{ experiment_base_aggregate(name, 'not is_conversion_window') }}
                as pre_{{ name }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from windowed_events
    group by experiment_id, user_id
),

final as (
    select
        exposure_windows.experiment_id,
        exposure_windows.user_id,
        exposure_windows.exposed_at,
        exposure_windows.pre_window_start_at,
        exposure_windows.conversion_window_end_at,
        {% for name in aggregates -%}
            coalesce(aggregated.observed_{{ name }}, 0) as observed_{{ name }},
            coalesce(aggregated.pre_{{ name }}, 0)
                as pre_{{ name }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from exposure_windows
    left join aggregated
        on
            exposure_windows.experiment_id = aggregated.experiment_id
            and exposure_windows.user_id = aggregated.user_id
)

select * from final
