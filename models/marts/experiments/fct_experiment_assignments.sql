{#- Experiment x user -> variant.

    hash experiments: every user seen in the data, assigned by the salted-hash contract
    (experiment_bucket, then the bucket's variant from int_experiment_bucket_variants, i.e.
    experiment_variant_index; docs/experiments.md); users outside the coverage get no row. A
    user's variant depends only on (salt, user_id, weights, coverage), so it never changes when
    users or events are added.
    logged experiments: the users of the assignment log; bucket is null, assigned_at is the first
    logged time. A user logged in more than one variant keeps the first logged variant here and is
    flagged is_multi_variant (the exposures exclude them). -#}
with

experiments as (
    select * from {{ ref('int_experiments_resolved') }}
),

experiment_variants as (
    select * from {{ ref('experiment_variants') }}
),

bucket_variants as (
    select * from {{ ref('int_experiment_bucket_variants') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

logged_assignments as (
    select * from {{ ref('stg_assignment_log__assignments') }}
),

users as (
    select user_id
    from sessions
    where session_number = 1
),

hash_buckets as (
    select
        experiments.experiment_id,
        users.user_id,
        {{ experiment_bucket('experiments.hash_method', 'experiments.salt', 'users.user_id') }}
            as bucket
    from users
    cross join experiments
    where experiments.assignment_source = 'hash'
),

hash_final as (
    select
        hash_buckets.experiment_id,
        hash_buckets.user_id,
        bucket_variants.variant,
        hash_buckets.bucket,
        cast(null as timestamp) as assigned_at,
        'hash' as assignment_source,
        1 as logged_variant_count
    from hash_buckets
    inner join bucket_variants
        on
            hash_buckets.experiment_id = bucket_variants.experiment_id
            and hash_buckets.bucket = bucket_variants.bucket
    where bucket_variants.variant is not null
),

logged_users as (
    select
        experiment_id,
        user_id,
        count(*) as logged_variant_count
    from logged_assignments
    group by experiment_id, user_id
),

logged_first as (
    select
        experiment_id,
        user_id,
        variant,
        assigned_at
    from logged_assignments
    qualify row_number() over (
        partition by experiment_id, user_id order by assigned_at asc nulls last, variant asc
    ) = 1
),

logged_final as (
    select
        logged_first.experiment_id,
        logged_first.user_id,
        logged_first.variant,
        cast(null as integer) as bucket,
        logged_first.assigned_at,
        'logged' as assignment_source,
        logged_users.logged_variant_count
    from logged_first
    inner join logged_users
        on
            logged_first.experiment_id = logged_users.experiment_id
            and logged_first.user_id = logged_users.user_id
    inner join experiments
        on logged_first.experiment_id = experiments.experiment_id
    where experiments.assignment_source = 'logged'
),

unioned as (
    select * from hash_final
    union all
    select * from logged_final
),

final as (
    select
        unioned.experiment_id,
        unioned.user_id,
        unioned.variant,
        cast(experiment_variants.variant_index as integer) as variant_index,
        cast(unioned.bucket as integer) as bucket,
        unioned.assigned_at,
        unioned.assignment_source,
        cast(unioned.logged_variant_count as integer) as logged_variant_count,
        unioned.logged_variant_count > 1 as is_multi_variant
    from unioned
    inner join experiment_variants
        on
            unioned.experiment_id = experiment_variants.experiment_id
            and unioned.variant = experiment_variants.variant
)

select * from final
