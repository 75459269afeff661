{#- One row per experiment of the registry (seeds/experiments.csv), windows resolved against the
    data (see int_experiments_resolved). -#}
with

experiments as (
    select * from {{ ref('int_experiments_resolved') }}
),

final as (
    select
        experiment_id,
        description,
        salt,
        hash_method,
        assignment_source,
        is_simulated,
        coverage,
        window_start_at,
        window_end_at,
        window_rule,
        exposure_event,
        target_segment,
        conversion_window_hours,
        pre_period_days,
        simulated_uplift,
        uplift_segment,
        uplift_metric,
        analysis_plan,
        planned_users,
        is_aa_test,
        conversion_window_complete,
        variant_count,
        data_start_at,
        data_end_at
    from experiments
)

select * from final
