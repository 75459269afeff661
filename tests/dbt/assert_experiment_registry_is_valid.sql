{#- The experiment registry (seeds/experiments.csv, experiment_variants.csv,
    experiment_metrics.csv) is consistent. Each returned row names an experiment and a problem.
    The metrics themselves are checked by assert_metric_registry_is_valid. Analysis plans:
    fixed_horizon or sequential, planned_users positive when given; an A/A test (is_aa_test)
    has identical arms, so it injects no uplift in any arm. -#}

with

experiments as (
    select * from {{ ref('experiments') }}
),

experiment_variants as (
    select * from {{ ref('experiment_variants') }}
),

experiment_metrics as (
    select * from {{ ref('experiment_metrics') }}
),

variant_summary as (
    select
        experiment_id,
        count(*) as variants,
        count(*) filter (where is_control) as controls,
        min(weight) as min_weight,
        sum(weight) as total_weight,
        min(variant_index) as min_index,
        max(variant_index) as max_index
    from experiment_variants
    group by experiment_id
),

metric_summary as (
    select
        experiment_id,
        count(*) filter (where metric_role = 'primary') as primaries
    from experiment_metrics
    group by experiment_id
),

segments as (
    select
        experiment_id,
        'target_segment' as field,
        target_segment as segment
    from experiments
    where nullif(trim(target_segment), '') is not null
    union all
    select
        experiment_id,
        'uplift_segment' as field,
        uplift_segment as segment
    from experiments
    where nullif(trim(uplift_segment), '') is not null
),

problems as (
    select
        experiment_id,
        'coverage must be in (0, 1]' as problem
    from experiments
    where not (coverage > 0 and coverage <= 1)
    union all
    select
        experiments.experiment_id,
        'needs at least two variants' as problem
    from experiments
    left join variant_summary
        on experiments.experiment_id = variant_summary.experiment_id
    where coalesce(variant_summary.variants, 0) < 2
    union all
    select
        experiment_id,
        'needs exactly one control variant' as problem
    from variant_summary
    where controls <> 1
    union all
    select
        experiment_id,
        'weights must be non-negative with a positive sum' as problem
    from variant_summary
    where min_weight < 0 or total_weight <= 0
    union all
    select
        experiment_id,
        'variant_index must run 0 .. variants - 1' as problem
    from variant_summary
    where min_index <> 0 or max_index <> variants - 1
    union all
    select
        experiments.experiment_id,
        'needs exactly one primary metric' as problem
    from experiments
    left join metric_summary
        on experiments.experiment_id = metric_summary.experiment_id
    where coalesce(metric_summary.primaries, 0) <> 1
    union all
    select
        experiment_id,
        field || ' must be user_type=new|returning, device=<value> or channel=<value>'
            as problem
    from segments
    where
        trim(split_part(segment, '=', 1)) not in ('user_type', 'device', 'channel')
        or nullif(trim(split_part(segment, '=', 2)), '') is null
        or (
            trim(split_part(segment, '=', 1)) = 'user_type'
            and trim(split_part(segment, '=', 2)) not in ('new', 'returning')
        )
    union all
    select
        experiment_id,
        'start_at must be before end_at' as problem
    from experiments
    where start_at >= end_at
    union all
    select
        experiment_id,
        'conversion_window_hours must be positive' as problem
    from experiments
    where not conversion_window_hours > 0
    union all
    select
        experiment_id,
        'pre_period_days must not be negative' as problem
    from experiments
    where pre_period_days < 0
    union all
    select
        experiment_id,
        'a logged experiment is a real test: is_simulated must be false' as problem
    from experiments
    where assignment_source = 'logged' and is_simulated
    union all
    select
        experiment_id,
        'a simulated uplift needs an uplift_metric and must be > -1' as problem
    from experiments
    where
        is_simulated and coalesce(simulated_uplift, 0) <> 0
        and (uplift_metric is null or simulated_uplift <= -1)
    union all
    select
        experiment_id,
        'a variant uplift must be > -1' as problem
    from experiment_variants
    where simulated_uplift <= -1
    union all
    select
        experiment_id,
        'analysis_plan must be fixed_horizon or sequential' as problem
    from experiments
    where
        coalesce(lower(trim(analysis_plan)), '') not in ('fixed_horizon', 'sequential')
    union all
    select
        experiment_id,
        'planned_users must be a positive number of users when given' as problem
    from experiments
    where planned_users <= 0
    union all
    select
        experiments.experiment_id,
        'an A/A test (is_aa_test) must not inject an uplift in any arm' as problem
    from experiments
    left join experiment_variants
        on experiments.experiment_id = experiment_variants.experiment_id
    where
        experiments.is_aa_test
        and (
            coalesce(experiments.simulated_uplift, 0) <> 0
            or coalesce(experiment_variants.simulated_uplift, 0) <> 0
        )
)

select * from problems
