{#- The A/A check: each experiment's exposed users re-assigned with var('aa_salt_count')
    alternative salts (salt_index k = 1..K: md5 contract with salt || ':aa:' || k, the
    experiment's variants and weights, coverage 1), on observed -- never simulated -- outcomes
    (capped like the analysed ones) of the users whose metric window has closed. Under the null
    every difference between these arms is noise. Segment 'all' only. -#}
with

user_metrics as (
    select * from {{ ref('int_experiment_user_metrics') }}
),

exposures as (
    select * from {{ ref('fct_experiment_exposures') }}
),

experiments as (
    select * from {{ ref('int_experiments_resolved') }}
),

bucket_variants as (
    select * from {{ ref('int_experiment_bucket_variants') }}
),

spine as (
    select * from {{ ref('int_experiment_stats_spine') }}
),

salts as (
    {{ integer_series(1, var('aa_salt_count'), 'salt_index') }}
),

aa_buckets as (
    select
        exposures.experiment_id,
        exposures.user_id,
        salts.salt_index,
        {{ experiment_bucket(
            "'md5'",
            "experiments.salt || ':aa:' || cast(salts.salt_index as string)",
            'exposures.user_id'
        ) }} as bucket
    from exposures
    cross join salts
    inner join experiments
        on exposures.experiment_id = experiments.experiment_id
),

aa_assignments as (
    select
        aa_buckets.experiment_id,
        aa_buckets.user_id,
        aa_buckets.salt_index,
        bucket_variants.aa_variant as variant
    from aa_buckets
    inner join bucket_variants
        on
            aa_buckets.experiment_id = bucket_variants.experiment_id
            and aa_buckets.bucket = bucket_variants.bucket
),

aa_user_metrics as (
    select
        aa_assignments.experiment_id,
        aa_assignments.salt_index,
        aa_assignments.variant,
        user_metrics.metric_name,
        user_metrics.metric_type,
        user_metrics.observed_metric_value,
        user_metrics.observed_denominator_value,
        user_metrics.covariate_value
    from aa_assignments
    inner join user_metrics
        on
            aa_assignments.experiment_id = user_metrics.experiment_id
            and aa_assignments.user_id = user_metrics.user_id
),

aa_statistics as (
    select
        experiment_id,
        salt_index,
        variant,
        metric_name,
        metric_type,
        {{ experiment_sufficient_statistics(
            'observed_metric_value', 'observed_denominator_value', 'covariate_value'
        ) }}
    from aa_user_metrics
    group by experiment_id, salt_index, variant, metric_name, metric_type
),

aa_spine as (
    select
        spine.experiment_id,
        salts.salt_index,
        spine.variant,
        spine.metric_name,
        spine.metric_type,
        spine.segment_name,
        spine.segment_value
    from spine
    cross join salts
    where spine.segment_name = 'all'
),

final as (
    select
        aa_spine.experiment_id,
        aa_spine.salt_index,
        aa_spine.variant,
        aa_spine.metric_name,
        aa_spine.segment_name,
        aa_spine.segment_value,
        aa_spine.metric_type,
        {{ experiment_zero_filled_statistics('aa_statistics', 'aa_spine') }}
    from aa_spine
    left join aa_statistics
        on
            aa_spine.experiment_id = aa_statistics.experiment_id
            and aa_spine.salt_index = aa_statistics.salt_index
            and aa_spine.variant = aa_statistics.variant
            and aa_spine.metric_name = aa_statistics.metric_name
)

select * from final
