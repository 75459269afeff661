{#- Per experiment and bucket (0 .. 9999): the variant experiment_variant_index gives that bucket
    under the experiment's hash method, weights and coverage (null = not in the experiment), and
    the variant of the A/A re-assignments (md5 thresholds, coverage 1). A variant depends on the
    bucket only, so the marts join this 10,000-row table instead of evaluating the thresholds for
    every user. -#}
with

experiments as (
    select * from {{ ref('int_experiments_resolved') }}
),

buckets as (
    {{ integer_series(0, 9999, 'bucket') }}
),

indexed as (
    select
        experiments.experiment_id,
        buckets.bucket,
        experiments.variant_names,
        {{ experiment_variant_index(
            'experiments.hash_method', 'buckets.bucket', 'experiments.variant_weights',
            'experiments.coverage'
        ) }} as variant_index,
        {{ experiment_variant_index(
            "'md5'", 'buckets.bucket', 'experiments.variant_weights', '1.0'
        ) }} as aa_variant_index
    from experiments
    cross join buckets
),

final as (
    select
        experiment_id,
        bucket,
        cast(variant_index as integer) as variant_index,
        {{ list_element('variant_names', 'variant_index + 1') }} as variant,
        {{ list_element('variant_names', 'aa_variant_index + 1') }} as aa_variant
    from indexed
)

select * from final
