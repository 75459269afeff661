{#- Experiment x exposed user: the offline simulation of a hypothesised uplift, decided per user.

    Simulated experiments (is_simulated, a non-zero uplift for the user's variant -- control arms
    never -- and an uplift_metric: a binomial metric of the experiment, M): eligible are exposed
    users of that variant in the uplift segment (empty = everyone) whose M window has closed.
    With r = the observed rate of M and v = the observed revenue per order of M's qualifying
    events, both over the eligible users of the experiment (all arms: before the
    simulation they are one population), and u = fh_hash_uniform(salt || ':simulate:' ||
    user_id), a deterministic uniform in [0, 1):

    - uplift > 0: a non-converter converts when u < uplift * r / (1 - r): one simulated event of
      M's event type at the start of M's window, one new order of value round(v, 2) -- so the
      arm's expected rate of M is r * (1 + uplift);
    - uplift < 0: a converter loses its events of M's type in M's window when u < -uplift.

    Every metric reading those events follows (int_experiment_user_metric_values); pre-exposure
    values are never simulated. The probability is capped at 1 (fct_experiment_health flags it). -#}
with

user_metric_windows as (
    select * from {{ ref('int_experiment_user_metric_windows') }}
),

experiment_metrics as (
    select * from {{ ref('int_experiment_metrics') }}
),

exposures as (
    select * from {{ ref('fct_experiment_exposures') }}
),

experiments as (
    select * from {{ ref('int_experiments_resolved') }}
),

experiment_variants as (
    select * from {{ ref('experiment_variants') }}
),

uplift_outcomes as (
    select
        user_metric_windows.experiment_id,
        user_metric_windows.user_id,
        user_metric_windows.is_window_complete,
        user_metric_windows.numerator_events > 0 as is_converter,
        user_metric_windows.numerator_orders,
        user_metric_windows.numerator_revenue
    from user_metric_windows
    inner join experiment_metrics
        on
            user_metric_windows.experiment_id = experiment_metrics.experiment_id
            and user_metric_windows.metric_name = experiment_metrics.metric_name
    where experiment_metrics.is_uplift_metric
),

users as (
    select
        exposures.experiment_id,
        exposures.user_id,
        exposures.variant,
        exposures.exposed_at,
        exposures.exposure_date,
        exposures.user_type,
        exposures.device,
        exposures.channel,
        experiments.salt,
        uplift_outcomes.is_converter,
        uplift_outcomes.numerator_orders,
        uplift_outcomes.numerator_revenue,
        coalesce(experiments.is_simulated and uplift_outcomes.is_window_complete, false)
            as is_simulation_candidate,
        {{ experiment_in_segment(
            'experiments.uplift_segment_name', 'experiments.uplift_segment_value',
            'exposures.user_type', 'exposures.device', 'exposures.channel'
        ) }} as is_in_uplift_segment,
        case
            when experiment_variants.is_control then 0.0
            else coalesce(experiment_variants.simulated_uplift, experiments.simulated_uplift, 0.0)
        end as variant_uplift
    from exposures
    inner join experiments
        on exposures.experiment_id = experiments.experiment_id
    inner join experiment_variants
        on
            exposures.experiment_id = experiment_variants.experiment_id
            and exposures.variant = experiment_variants.variant
    left join uplift_outcomes
        on
            exposures.experiment_id = uplift_outcomes.experiment_id
            and exposures.user_id = uplift_outcomes.user_id
),

segment_baselines as (
    select
        experiment_id,
        -- the average of doubles: Spark's average of decimals keeps only 5 decimal places
        avg(cast(case when is_converter then 1 else 0 end as double)) as baseline_rate,
        sum(numerator_revenue) / nullif(sum(numerator_orders), 0) as baseline_order_value
    from users
    where is_simulation_candidate and is_in_uplift_segment
    group by experiment_id
),

with_probability as (
    select
        users.*,
        segment_baselines.baseline_rate,
        segment_baselines.baseline_order_value,
        case
            when not (users.is_simulation_candidate and users.is_in_uplift_segment)
                then null
            when users.variant_uplift > 0
                then
                    users.variant_uplift * segment_baselines.baseline_rate
                    / nullif(1.0 - segment_baselines.baseline_rate, 0)
            when users.variant_uplift < 0 then -users.variant_uplift
        end as simulation_probability,
        {{ hash_uniform("users.salt || ':simulate:' || users.user_id") }} as simulation_uniform
    from users
    left join segment_baselines
        on users.experiment_id = segment_baselines.experiment_id
),

final as (
    select
        experiment_id,
        user_id,
        variant,
        exposed_at,
        exposure_date,
        user_type,
        device,
        channel,
        is_in_uplift_segment,
        variant_uplift,
        simulation_probability,
        simulation_uniform,
        coalesce(
            simulation_probability is not null
            -- least() ignores nulls in DuckDB, hence the explicit check above
            and simulation_uniform < least(simulation_probability, 1.0)
            and (
                (variant_uplift > 0 and not is_converter)
                or (variant_uplift < 0 and is_converter)
            ),
            false
        ) as is_simulated_outcome,
        round(coalesce(baseline_order_value, 0), 2) as simulated_order_value
    from with_probability
)

select * from final
