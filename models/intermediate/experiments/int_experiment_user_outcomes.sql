{#- Experiment x exposed user: the base aggregates as analysed -- the observed ones, except for
    the offline simulation of a hypothesised uplift.

    Simulation (experiments with is_simulated, a non-zero uplift for the user's variant and
    uplift_metric = 'purchase'; control arms never): for exposed users of that variant in the
    uplift segment (empty = all exposed users), with r = the observed purchase rate and v = the
    observed revenue per order of all exposed users of the experiment in the uplift segment
    (both arms: before the simulation they are one population) and u = fh_hash_uniform(salt ||
    ':simulate:' || user_id), a deterministic uniform in [0, 1):

    - uplift > 0: a non-buyer becomes a buyer when u < uplift * r / (1 - r), with one order of
      value round(v, 2) -- so the expected purchase rate of the arm is r * (1 + uplift);
    - uplift < 0: a buyer loses their orders when u < -uplift -- expected rate r * (1 + uplift).

    Pre-exposure aggregates and the other base aggregates (checkouts, cart removals) are never
    simulated. The probability is capped at 1 (fct_experiment_health flags it). -#}
{%- set aggregates = experiment_base_aggregates() %}
{%- set simulated = experiment_simulated_inputs() %}

with

user_windows as (
    select * from {{ ref('int_experiment_user_windows') }}
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

users as (
    select
        user_windows.*,
        exposures.variant,
        exposures.exposure_date,
        exposures.user_type,
        exposures.device,
        exposures.channel,
        experiments.salt,
        experiments.is_simulated
        and experiments.uplift_metric = 'purchase' as is_simulation_experiment,
        {{ experiment_in_segment(
            'experiments.uplift_segment_name', 'experiments.uplift_segment_value',
            'exposures.user_type', 'exposures.device', 'exposures.channel'
        ) }} as is_in_uplift_segment,
        case
            when experiment_variants.is_control then 0.0
            else coalesce(experiment_variants.simulated_uplift, experiments.simulated_uplift, 0.0)
        end as variant_uplift
    from user_windows
    inner join exposures
        on
            user_windows.experiment_id = exposures.experiment_id
            and user_windows.user_id = exposures.user_id
    inner join experiments
        on user_windows.experiment_id = experiments.experiment_id
    inner join experiment_variants
        on
            exposures.experiment_id = experiment_variants.experiment_id
            and exposures.variant = experiment_variants.variant
),

segment_baselines as (
    select
        experiment_id,
        avg(case when observed_orders > 0 then 1.0 else 0.0 end) as baseline_purchase_rate,
        sum(observed_revenue) / nullif(sum(observed_orders), 0) as baseline_order_value
    from users
    where is_simulation_experiment and is_in_uplift_segment
    group by experiment_id
),

with_probability as (
    select
        users.*,
        segment_baselines.baseline_purchase_rate,
        segment_baselines.baseline_order_value,
        case
            when not (users.is_simulation_experiment and users.is_in_uplift_segment)
                then null
            when users.variant_uplift > 0
                then
                    users.variant_uplift * segment_baselines.baseline_purchase_rate
                    / nullif(1.0 - segment_baselines.baseline_purchase_rate, 0)
            when users.variant_uplift < 0 then -users.variant_uplift
        end as simulation_probability,
        {{ hash_uniform("users.salt || ':simulate:' || users.user_id") }} as simulation_uniform
    from users
    left join segment_baselines
        on users.experiment_id = segment_baselines.experiment_id
),

flipped as (
    select
        *,
        coalesce(
            simulation_probability is not null
            -- least() ignores nulls in DuckDB, hence the explicit check above
            and simulation_uniform < least(simulation_probability, 1.0)
            and (
                (variant_uplift > 0 and observed_orders = 0)
                or (variant_uplift < 0 and observed_orders > 0)
            ),
            false
        ) as is_simulated_outcome
    from with_probability
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
        is_simulated_outcome,
        case
            when not is_simulated_outcome then observed_orders
            when variant_uplift > 0 then 1
            else 0
        end as orders,
        case
            when not is_simulated_outcome then observed_revenue
            when variant_uplift > 0 then round(coalesce(baseline_order_value, 0), 2)
            else 0
        end as revenue,
        {% for name in aggregates if name not in simulated -%}
            observed_{{ name }} as {{ name }},
        {% endfor -%}
        {% for name in aggregates -%}
            observed_{{ name }},
        {% endfor -%}
        {% for name in aggregates -%}
            pre_{{ name }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from flipped
)

select * from final
