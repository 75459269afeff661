{#- Experiment x exposed user x metric: the raw aggregates (experiment_metric_aggregates: events,
    distinct orders, revenue) of the user's qualifying events in each window the metric needs.

    Events count by position in the user's (event_at, event_id) order:
    - numerator_* / denominator_*: the metric's window -- from the exposure event on (the
      exposure event included, nothing ordered before it) with
      exposed_at + window_start_hours <= event_at < exposed_at + window_end_hours, events of
      the metric's event_type (numerator) or denominator_event_type (denominator);
    - pre_numerator_*: the pre-exposure window (the CUPED covariate): events ordered before the
      exposure event with event_at >= exposed_at - pre_period_days;
    - kept_numerator_* / kept_denominator_*: the metric's window without the events an offline
      simulation would take from a converter (the uplift metric's event type in its window).

    is_window_complete: the metric window has closed by the last event of the data
    (window end <= data_end_at + 1 microsecond). One pass over the events of the types the
    experiments' metrics read. -#}
{%- set windows = {
    'numerator': 'is_numerator_event and is_in_metric_window',
    'denominator': 'is_denominator_event and is_in_metric_window',
    'pre_numerator': 'is_numerator_event and not is_after_exposure',
    'kept_numerator': 'is_numerator_event and is_in_metric_window and not is_uplift_event',
    'kept_denominator': 'is_denominator_event and is_in_metric_window and not is_uplift_event',
} %}
{%- set columns = [] %}
{%- for prefix in windows %}
    {%- for aggregate in experiment_metric_value_aggregates().values() %}
        {%- do columns.append(prefix ~ '_' ~ aggregate) %}
    {%- endfor %}
{%- endfor %}

with

exposures as (
    select * from {{ ref('fct_experiment_exposures') }}
),

experiments as (
    select * from {{ ref('int_experiments_resolved') }}
),

experiment_metrics as (
    select * from {{ ref('int_experiment_metrics') }}
),

events as (
    select * from {{ ref('fct_events') }}
),

metric_event_types as (
    select
        experiment_id,
        event_type
    from experiment_metrics
    union
    select
        experiment_id,
        denominator_event_type as event_type
    from experiment_metrics
    where denominator_event_type is not null
),

experiment_reach as (
    select
        experiment_id,
        max(window_end_hours) as max_window_end_hours
    from experiment_metrics
    group by experiment_id
),

exposure_windows as (
    select
        exposures.experiment_id,
        exposures.user_id,
        exposures.exposed_at,
        exposures.exposure_user_event_number,
        experiments.data_end_at,
        {{ dbt.dateadd('day', '-experiments.pre_period_days', 'exposures.exposed_at') }}
            as pre_window_start_at,
        {{ dbt.dateadd('hour', 'experiment_reach.max_window_end_hours', 'exposures.exposed_at') }}
            as reach_end_at
    from exposures
    inner join experiments
        on exposures.experiment_id = experiments.experiment_id
    inner join experiment_reach
        on exposures.experiment_id = experiment_reach.experiment_id
),

user_metric_windows as (
    select
        exposure_windows.experiment_id,
        exposure_windows.user_id,
        experiment_metrics.metric_name,
        experiment_metrics.event_type,
        experiment_metrics.denominator_event_type,
        experiment_metrics.uplift_event_type,
        exposure_windows.exposed_at,
        exposure_windows.pre_window_start_at,
        {{ dbt.dateadd(
            'hour', 'experiment_metrics.window_start_hours', 'exposure_windows.exposed_at'
        ) }} as metric_window_start_at,
        {{ dbt.dateadd(
            'hour', 'experiment_metrics.window_end_hours', 'exposure_windows.exposed_at'
        ) }} as metric_window_end_at,
        {{ dbt.dateadd(
            'hour', 'experiment_metrics.uplift_window_start_hours', 'exposure_windows.exposed_at'
        ) }} as uplift_window_start_at,
        {{ dbt.dateadd(
            'hour', 'experiment_metrics.uplift_window_end_hours', 'exposure_windows.exposed_at'
        ) }} as uplift_window_end_at,
        exposure_windows.data_end_at
    from exposure_windows
    inner join experiment_metrics
        on exposure_windows.experiment_id = experiment_metrics.experiment_id
),

candidate_events as (
    select
        exposure_windows.experiment_id,
        exposure_windows.user_id,
        events.event_id,
        events.event_type,
        events.event_at,
        events.order_id,
        events.revenue,
        events.user_event_number >= exposure_windows.exposure_user_event_number
            as is_after_exposure
    from events
    inner join exposure_windows
        on
            events.user_id = exposure_windows.user_id
            and events.event_at >= exposure_windows.pre_window_start_at
            and events.event_at < exposure_windows.reach_end_at
    inner join metric_event_types
        on
            exposure_windows.experiment_id = metric_event_types.experiment_id
            and events.event_type = metric_event_types.event_type
),

metric_events as (
    select
        candidate_events.*,
        user_metric_windows.metric_name,
        candidate_events.event_type = user_metric_windows.event_type as is_numerator_event,
        coalesce(
            candidate_events.event_type = user_metric_windows.denominator_event_type, false
        ) as is_denominator_event,
        candidate_events.is_after_exposure
        and candidate_events.event_at >= user_metric_windows.metric_window_start_at
        and candidate_events.event_at < user_metric_windows.metric_window_end_at
            as is_in_metric_window,
        coalesce(
            candidate_events.event_type = user_metric_windows.uplift_event_type
            and candidate_events.is_after_exposure
            and candidate_events.event_at >= user_metric_windows.uplift_window_start_at
            and candidate_events.event_at < user_metric_windows.uplift_window_end_at,
            false
        ) as is_uplift_event
    from candidate_events
    inner join user_metric_windows
        on
            candidate_events.experiment_id = user_metric_windows.experiment_id
            and candidate_events.user_id = user_metric_windows.user_id
            and (
                candidate_events.event_type = user_metric_windows.event_type
                or candidate_events.event_type = user_metric_windows.denominator_event_type
            )
),

aggregated as (
    select
        experiment_id,
        user_id,
        metric_name,
        {% for prefix, condition in windows.items() -%}
            {{ experiment_metric_aggregates(condition, prefix) }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from metric_events
    group by experiment_id, user_id, metric_name
),

final as (
    select
        user_metric_windows.experiment_id,
        user_metric_windows.user_id,
        user_metric_windows.metric_name,
        user_metric_windows.exposed_at,
        user_metric_windows.pre_window_start_at,
        user_metric_windows.metric_window_start_at,
        user_metric_windows.metric_window_end_at,
        user_metric_windows.metric_window_end_at
        <= {{ dbt.dateadd('microsecond', 1, 'user_metric_windows.data_end_at') }}
            as is_window_complete,
        {% for column in columns -%}
            coalesce(aggregated.{{ column }}, 0) as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from user_metric_windows
    left join aggregated
        on
            user_metric_windows.experiment_id = aggregated.experiment_id
            and user_metric_windows.user_id = aggregated.user_id
            and user_metric_windows.metric_name = aggregated.metric_name
)

select * from final
