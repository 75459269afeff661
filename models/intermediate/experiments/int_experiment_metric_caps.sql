{#- Experiment x metric: the cap of percentile-capped metrics (registry column cap_percentile):
    the cap_percentile-th percentile of the per-user values (a ratio's numerator) of all users
    whose metric window has closed, pooled over the arms, with linear interpolation between the
    two nearest ranks (numpy's default, SQL percentile_cont): h = (n - 1) * p, cap = x[floor(h)]
    + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]) over the values sorted ascending
    (0-based). Written with ranks rather than a percentile function because the percentile
    differs per metric. cap_value is null for uncapped metrics and when nobody's window has
    closed. -#}
with

user_metric_values as (
    select * from {{ ref('int_experiment_user_metric_values') }}
),

experiment_metrics as (
    select * from {{ ref('int_experiment_metrics') }}
),

capped_values as (
    select
        user_metric_values.experiment_id,
        user_metric_values.metric_name,
        user_metric_values.metric_value,
        experiment_metrics.cap_percentile
    from user_metric_values
    inner join experiment_metrics
        on
            user_metric_values.experiment_id = experiment_metrics.experiment_id
            and user_metric_values.metric_name = experiment_metrics.metric_name
    where experiment_metrics.cap_percentile is not null and user_metric_values.is_window_complete
),

ranked as (
    select
        experiment_id,
        metric_name,
        metric_value,
        (count(*) over (partition by experiment_id, metric_name) - 1) * cap_percentile
            as cap_position,
        row_number() over (
            partition by experiment_id, metric_name order by metric_value asc
        ) - 1 as value_position
    from capped_values
),

neighbours as (
    select
        experiment_id,
        metric_name,
        cap_position,
        max(case when value_position = floor(cap_position) then metric_value end)
            as lower_value,
        max(case when value_position = ceil(cap_position) then metric_value end)
            as upper_value
    from ranked
    group by experiment_id, metric_name, cap_position
),

final as (
    select
        experiment_metrics.experiment_id,
        experiment_metrics.metric_name,
        experiment_metrics.cap_percentile,
        neighbours.lower_value
        + (neighbours.cap_position - floor(neighbours.cap_position))
        * (neighbours.upper_value - neighbours.lower_value) as cap_value
    from experiment_metrics
    left join neighbours
        on
            experiment_metrics.experiment_id = neighbours.experiment_id
            and experiment_metrics.metric_name = neighbours.metric_name
)

select * from final
