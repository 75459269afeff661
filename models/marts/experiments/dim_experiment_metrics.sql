{#- One row per experiment metric (seeds/experiment_metrics.csv) with its definition from the
    metric registry (seeds/metrics.csv, resolved in int_experiment_metrics) and the cap value
    used (int_experiment_metric_caps). -#}
with

experiment_metrics as (
    select * from {{ ref('int_experiment_metrics') }}
),

metric_caps as (
    select * from {{ ref('int_experiment_metric_caps') }}
),

final as (
    select
        experiment_metrics.experiment_id,
        experiment_metrics.metric_name,
        experiment_metrics.metric_type,
        experiment_metrics.metric_role,
        experiment_metrics.is_primary,
        experiment_metrics.is_guardrail,
        experiment_metrics.higher_is_better,
        experiment_metrics.has_covariate,
        experiment_metrics.description,
        experiment_metrics.event_type,
        experiment_metrics.value_kind,
        experiment_metrics.denominator_event_type,
        experiment_metrics.denominator_value_kind,
        experiment_metrics.window_start_hours,
        experiment_metrics.window_end_hours,
        experiment_metrics.cap_percentile,
        metric_caps.cap_value,
        experiment_metrics.unit,
        experiment_metrics.value_per_unit,
        experiment_metrics.is_revenue
    from experiment_metrics
    left join metric_caps
        on
            experiment_metrics.experiment_id = metric_caps.experiment_id
            and experiment_metrics.metric_name = metric_caps.metric_name
)

select * from final
