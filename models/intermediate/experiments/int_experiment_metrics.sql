{#- Experiment x metric: the metric registry (seeds/metrics.csv) resolved for each experiment that
    reports the metric (seeds/experiment_metrics.csv). Defaults: an empty value is count, an
    empty window start is 0, an empty window end is the experiment's conversion window, an empty
    unit is share (binomial), currency (revenue values) or count. A metric is money (is_revenue)
    when its unit is currency. tests/dbt/assert_metric_registry_is_valid.sql rejects bad rows
    before this model is built.

    Each row also carries the experiment's uplift metric (the binomial metric an offline
    simulation acts on: its event type and window) and how the simulation touches this metric:
    <part>_gains_simulated_event when the part (numerator / denominator) reads the uplift
    metric's event type in a window that contains the simulated event (at the start of the
    uplift window); <part>_loses_uplift_events when it reads that type in a window overlapping
    the uplift window. -#}
{%- set parts = {'numerator': 'event_type', 'denominator': 'denominator_event_type'} %}
with

experiment_metrics as (
    select * from {{ ref('experiment_metrics') }}
),

metrics as (
    select * from {{ ref('metrics') }}
),

experiments as (
    select * from {{ ref('int_experiments_resolved') }}
),

defined as (
    select
        metric_name,
        description,
        metric_type,
        event_type,
        coalesce(value, 'count') as value_kind,
        denominator_event_type,
        denominator_value as denominator_value_kind,
        cast(coalesce(window_start_hours, 0) as integer) as window_start_hours,
        cast(window_end_hours as integer) as configured_window_end_hours,
        cast(cap_percentile as double) as cap_percentile,
        higher_is_better,
        cast(value_per_unit as double) as value_per_unit,
        unit
    from metrics
),

with_defaults as (
    select
        *,
        {{ experiment_metric_unit('unit', 'metric_type', 'value_kind') }} as resolved_unit
    from defined
),

resolved as (
    select
        experiment_metrics.experiment_id,
        experiment_metrics.metric_name,
        experiment_metrics.metric_role,
        experiment_metrics.metric_role = 'primary' as is_primary,
        experiment_metrics.metric_role = 'guardrail' as is_guardrail,
        with_defaults.description,
        with_defaults.metric_type,
        with_defaults.event_type,
        with_defaults.value_kind,
        with_defaults.denominator_event_type,
        with_defaults.denominator_value_kind,
        with_defaults.window_start_hours,
        coalesce(
            with_defaults.configured_window_end_hours, experiments.conversion_window_hours
        ) as window_end_hours,
        with_defaults.cap_percentile,
        with_defaults.higher_is_better,
        with_defaults.value_per_unit,
        with_defaults.resolved_unit as unit,
        with_defaults.resolved_unit = 'currency' as is_revenue,
        with_defaults.metric_type <> 'ratio' as has_covariate,
        coalesce(experiments.uplift_metric = experiment_metrics.metric_name, false)
            as is_uplift_metric
    from experiment_metrics
    inner join with_defaults
        on experiment_metrics.metric_name = with_defaults.metric_name
    inner join experiments
        on experiment_metrics.experiment_id = experiments.experiment_id
),

uplift_metrics as (
    select
        experiment_id,
        event_type as uplift_event_type,
        window_start_hours as uplift_window_start_hours,
        window_end_hours as uplift_window_end_hours
    from resolved
    where is_uplift_metric
),

final as (
    select
        resolved.*,
        uplift_metrics.uplift_event_type,
        uplift_metrics.uplift_window_start_hours,
        uplift_metrics.uplift_window_end_hours,
        {% for part, event_type in parts.items() -%}
            coalesce(
                resolved.{{ event_type }} = uplift_metrics.uplift_event_type
                and resolved.window_start_hours <= uplift_metrics.uplift_window_start_hours
                and uplift_metrics.uplift_window_start_hours < resolved.window_end_hours,
                false
            ) as {{ part }}_gains_simulated_event,
            coalesce(
                resolved.{{ event_type }} = uplift_metrics.uplift_event_type
                and resolved.window_start_hours < uplift_metrics.uplift_window_end_hours
                and uplift_metrics.uplift_window_start_hours < resolved.window_end_hours,
                false
            ) as {{ part }}_loses_uplift_events{% if not loop.last %},{% endif %}
        {% endfor %}
    from resolved
    left join uplift_metrics
        on resolved.experiment_id = uplift_metrics.experiment_id
)

select * from final
