{#- One row per experiment variant (seeds/experiment_variants.csv), in registry order. -#}
with

experiment_variants as (
    select * from {{ ref('experiment_variants') }}
),

experiments as (
    select * from {{ ref('int_experiments_resolved') }}
),

final as (
    select
        experiment_variants.experiment_id,
        experiment_variants.variant,
        cast(experiment_variants.variant_index as integer) as variant_index,
        cast(experiment_variants.weight as double) as weight,
        cast(experiment_variants.weight as double)
        / sum(cast(experiment_variants.weight as double)) over (
            partition by experiment_variants.experiment_id
        ) as weight_share,
        experiment_variants.is_control,
        case
            when not experiments.is_simulated then null
            when experiment_variants.is_control then 0.0
            else coalesce(experiment_variants.simulated_uplift, experiments.simulated_uplift, 0.0)
        end as simulated_uplift
    from experiment_variants
    inner join experiments
        on experiment_variants.experiment_id = experiments.experiment_id
)

select * from final
