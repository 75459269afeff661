{#- The A/A check: each experiment's exposed users re-assigned with var('aa_salt_count')
    alternative salts (salt_index k = 1..K: md5 contract with salt || ':aa:' || k, the
    experiment's variants and weights, coverage 1), on observed -- never simulated -- outcomes.
    Under the null every difference between these arms is noise. Segment 'all' only.

    For speed the statistics of all metrics are summed in one pass over the wide per-user
    outcomes (users x salts rows, not users x salts x metrics) and unpivoted afterwards. -#}
{%- set metrics = experiment_metric_definitions() %}

with

outcomes as (
    select * from {{ ref('int_experiment_user_outcomes') }}
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
    select cast(unnest(range(1, {{ var('aa_salt_count') }} + 1)) as integer) as salt_index
),

aa_buckets as (
    select
        outcomes.experiment_id,
        outcomes.user_id,
        salts.salt_index,
        {{ experiment_bucket(
            "'md5'",
            "experiments.salt || ':aa:' || cast(salts.salt_index as varchar)",
            'outcomes.user_id'
        ) }} as bucket
    from outcomes
    cross join salts
    inner join experiments
        on outcomes.experiment_id = experiments.experiment_id
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

aa_sums as (
    select
        aa_assignments.experiment_id,
        aa_assignments.salt_index,
        aa_assignments.variant,
        count(*) as users,  -- noqa: RF04
        {% for name in metrics -%}
            {%- set m = experiment_metric_numerator(name, 'outcomes.observed_') -%}
            {%- set d = experiment_metric_denominator(name, 'outcomes.observed_') -%}
            {%- set c = experiment_metric_numerator(name, 'outcomes.pre_') -%}
            sum({{ m }}) as {{ name }}__metric_sum,
            sum({{ m }} * {{ m }}) as {{ name }}__metric_sum_squares,
            sum({{ d }}) as {{ name }}__denominator_sum,
            sum({{ d }} * {{ d }}) as {{ name }}__denominator_sum_squares,
            sum({{ m }} * {{ d }}) as {{ name }}__metric_denominator_sum_product,
            sum({{ c }}) as {{ name }}__covariate_sum,
            sum({{ c }} * {{ c }}) as {{ name }}__covariate_sum_squares,
            sum({{ m }} * {{ c }}) as {{ name }}__metric_covariate_sum_product
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from aa_assignments
    inner join outcomes
        on
            aa_assignments.experiment_id = outcomes.experiment_id
            and aa_assignments.user_id = outcomes.user_id
    group by aa_assignments.experiment_id, aa_assignments.salt_index, aa_assignments.variant
),

aa_statistics as (
    {% for name in metrics -%}
        select
            experiment_id,
            salt_index,
            variant,
            '{{ name }}' as metric_name,
            users,
            {% for column in experiment_statistics_columns() if column != 'users' -%}
                {{ name }}__{{ column }} as {{ column }}{% if not loop.last %},{% endif %}
            {% endfor -%}
        from aa_sums
        {% if not loop.last -%}
            union all
        {% endif -%}
    {% endfor %}
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
