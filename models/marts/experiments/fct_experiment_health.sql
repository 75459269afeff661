{#- One row per experiment: who was assigned, who was exposed, who was excluded, and the
    diagnostics to look at before trusting a result (sample ratio, multi-variant users, logged
    assignments outside the window or after the exposure, logged variants that disagree with the
    hash contract, quarantined log rows, simulation, users left out of a metric because its
    window had not closed by the end of the data). -#}
with

experiments as (
    select * from {{ ref('int_experiments_resolved') }}
),

experiment_variants as (
    select * from {{ ref('dim_experiment_variants') }}
),

assignments as (
    select * from {{ ref('fct_experiment_assignments') }}
),

qualifying_users as (
    select * from {{ ref('int_experiment_qualifying_users') }}
),

exposures as (
    select * from {{ ref('fct_experiment_exposures') }}
),

outcomes as (
    select * from {{ ref('int_experiment_user_outcomes') }}
),

user_metric_values as (
    select * from {{ ref('int_experiment_user_metric_values') }}
),

quarantined_assignments as (
    select * from {{ ref('stg_assignment_log__quarantined_assignments') }}
),

bucket_variants as (
    select * from {{ ref('int_experiment_bucket_variants') }}
),

assignment_counts as (
    select
        assignments.experiment_id,
        count(*) as assigned_users,
        count(*) filter (where assignments.is_multi_variant) as multi_variant_users,
        count(*) filter (
            where assignments.assigned_at < experiments.window_start_at
            or assignments.assigned_at >= experiments.window_end_at
        ) as assigned_outside_window_users
    from assignments
    inner join experiments
        on assignments.experiment_id = experiments.experiment_id
    group by assignments.experiment_id
),

logged_hash_check as (
    select
        assignments.experiment_id,
        assignments.variant,
        bucket_variants.variant as hash_variant
    from assignments
    inner join experiments
        on assignments.experiment_id = experiments.experiment_id
    left join bucket_variants
        on
            assignments.experiment_id = bucket_variants.experiment_id
            and bucket_variants.bucket = {{ experiment_bucket(
                'experiments.hash_method', 'experiments.salt', 'assignments.user_id'
            ) }}
    where assignments.assignment_source = 'logged' and not assignments.is_multi_variant
),

logged_hash_mismatches as (
    select
        experiment_id,
        count(*) filter (where variant is distinct from hash_variant) as logged_hash_mismatch_users
    from logged_hash_check
    group by experiment_id
),

qualifying_counts as (
    select
        qualifying_users.experiment_id,
        count(*) as qualifying_users,
        count(*) filter (where assignments.user_id is null) as qualifying_unassigned_users,
        count(*) filter (where assignments.is_multi_variant) as excluded_multi_variant_users
    from qualifying_users
    left join assignments
        on
            qualifying_users.experiment_id = assignments.experiment_id
            and qualifying_users.user_id = assignments.user_id
    group by qualifying_users.experiment_id
),

exposure_counts as (
    select
        experiment_id,
        count(*) as exposed_users,
        count(*) filter (where assigned_at > exposed_at) as exposed_before_assignment_users,
        min(exposed_at) as first_exposure_at,
        max(exposed_at) as last_exposure_at
    from exposures
    group by experiment_id
),

variant_counts as (
    select
        experiment_variants.experiment_id,
        experiment_variants.variant,
        experiment_variants.variant_index,
        experiment_variants.weight_share,
        count(exposures.user_id) as exposed_users
    from experiment_variants
    left join exposures
        on
            experiment_variants.experiment_id = exposures.experiment_id
            and experiment_variants.variant = exposures.variant
    group by
        experiment_variants.experiment_id, experiment_variants.variant,
        experiment_variants.variant_index, experiment_variants.weight_share
),

with_expected as (
    select
        *,
        sum(exposed_users) over (partition by experiment_id) * weight_share as expected_users
    from variant_counts
),

sample_ratio as (
    select
        experiment_id,
        {{ json_object_agg('variant', 'exposed_users', 'variant_index') }}
            as exposed_users_by_variant,
        -- as funnelhouse.stats.srm: users in an arm of weight 0 make the statistic infinite
        case
            when sum(exposed_users) = 0 then null
            when count(*) filter (where weight_share = 0 and exposed_users > 0) > 0
                then cast('Infinity' as double)
            else sum(power(exposed_users - expected_users, 2) / nullif(expected_users, 0))
        end as srm_chi_square,
        count(*) filter (where weight_share > 0) - 1 as srm_degrees_of_freedom
    from with_expected
    group by experiment_id
),

simulation as (
    select
        experiment_id,
        count(*) filter (where is_simulated_outcome) as simulated_outcome_users,
        max(simulation_probability) as max_simulation_probability
    from outcomes
    group by experiment_id
),

incomplete_by_metric as (
    select
        experiment_id,
        metric_name,
        sum(case when is_window_complete then 0 else 1 end) as incomplete_users
    from user_metric_values
    group by experiment_id, metric_name
),

incomplete_users as (
    select
        experiment_id,
        count(distinct case when not is_window_complete then user_id end) as incomplete_users
    from user_metric_values
    group by experiment_id
),

incomplete_counts as (
    select
        incomplete_by_metric.experiment_id,
        max(incomplete_users.incomplete_users) as incomplete_window_users,
        {{ json_object_agg(
            'incomplete_by_metric.metric_name',
            'incomplete_by_metric.incomplete_users',
            'incomplete_by_metric.metric_name'
        ) }} as incomplete_window_users_by_metric
    from incomplete_by_metric
    inner join incomplete_users
        on incomplete_by_metric.experiment_id = incomplete_users.experiment_id
    group by incomplete_by_metric.experiment_id
),

quarantine_counts as (
    select
        experiment_id,
        count(*) as quarantined_assignment_rows
    from quarantined_assignments
    where experiment_id is not null
    group by experiment_id
),

final as (
    select
        experiments.experiment_id,
        experiments.assignment_source,
        experiments.window_start_at,
        experiments.window_end_at,
        experiments.window_rule,
        experiments.conversion_window_complete,
        cast(coalesce(assignment_counts.assigned_users, 0) as bigint) as assigned_users,
        cast(coalesce(qualifying_counts.qualifying_users, 0) as bigint) as qualifying_users,
        cast(coalesce(exposure_counts.exposed_users, 0) as bigint) as exposed_users,
        sample_ratio.exposed_users_by_variant,
        sample_ratio.srm_chi_square,
        cast(sample_ratio.srm_degrees_of_freedom as integer) as srm_degrees_of_freedom,
        cast(coalesce(assignment_counts.multi_variant_users, 0) as bigint) as multi_variant_users,
        cast(coalesce(assignment_counts.multi_variant_users, 0) as double)
        / nullif(assignment_counts.assigned_users, 0) as multi_variant_share,
        cast(coalesce(qualifying_counts.excluded_multi_variant_users, 0) as bigint)
            as excluded_multi_variant_users,
        cast(coalesce(qualifying_counts.qualifying_unassigned_users, 0) as bigint)
            as qualifying_unassigned_users,
        cast(
            coalesce(assignment_counts.assigned_users, 0)
            - coalesce(assignment_counts.multi_variant_users, 0)
            - coalesce(exposure_counts.exposed_users, 0) as bigint
        ) as assigned_never_exposed_users,
        cast(coalesce(assignment_counts.assigned_outside_window_users, 0) as bigint)
            as assigned_outside_window_users,
        cast(coalesce(exposure_counts.exposed_before_assignment_users, 0) as bigint)
            as exposed_before_assignment_users,
        cast(logged_hash_mismatches.logged_hash_mismatch_users as bigint)
            as logged_hash_mismatch_users,
        cast(coalesce(quarantine_counts.quarantined_assignment_rows, 0) as bigint)
            as quarantined_assignment_rows,
        exposure_counts.first_exposure_at,
        exposure_counts.last_exposure_at,
        cast(coalesce(simulation.simulated_outcome_users, 0) as bigint) as simulated_outcome_users,
        simulation.max_simulation_probability,
        coalesce(simulation.max_simulation_probability > 1, false) as is_simulation_capped,
        cast(coalesce(incomplete_counts.incomplete_window_users, 0) as bigint)
            as incomplete_window_users,
        incomplete_counts.incomplete_window_users_by_metric
    from experiments
    left join assignment_counts
        on experiments.experiment_id = assignment_counts.experiment_id
    left join qualifying_counts
        on experiments.experiment_id = qualifying_counts.experiment_id
    left join exposure_counts
        on experiments.experiment_id = exposure_counts.experiment_id
    left join sample_ratio
        on experiments.experiment_id = sample_ratio.experiment_id
    left join logged_hash_mismatches
        on experiments.experiment_id = logged_hash_mismatches.experiment_id
    left join simulation
        on experiments.experiment_id = simulation.experiment_id
    left join quarantine_counts
        on experiments.experiment_id = quarantine_counts.experiment_id
    left join incomplete_counts
        on experiments.experiment_id = incomplete_counts.experiment_id
)

select * from final
