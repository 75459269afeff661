{#- Clean logged assignments: one row per experiment, user and variant (repeated log rows of the
    same assignment collapse into one, keeping the earliest assigned_at). A user with rows in
    two variants keeps both rows here; the experiment marts exclude such users. -#}
with

validated_assignments as (
    select * from {{ ref('stg_assignment_log__validated_assignments') }}
),

final as (
    select
        experiment_id,
        user_id,
        variant,
        min(assigned_at) as assigned_at,
        count(*) as log_rows
    from validated_assignments
    where is_clean
    group by experiment_id, user_id, variant
)

select * from final
