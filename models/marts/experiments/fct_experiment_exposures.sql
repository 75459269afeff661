{#- Experiment x exposed user: the user's first qualifying exposure event (see
    int_experiment_qualifying_users), the variant, and the segment values at exposure. Only
    assigned users are exposed; users assigned to more than one variant (logged experiments) are
    excluded and counted in fct_experiment_health. -#}
with

qualifying_users as (
    select * from {{ ref('int_experiment_qualifying_users') }}
),

assignments as (
    select * from {{ ref('fct_experiment_assignments') }}
),

final as (
    select
        qualifying_users.experiment_id,
        qualifying_users.user_id,
        assignments.variant,
        assignments.variant_index,
        qualifying_users.exposed_at,
        qualifying_users.exposure_date,
        qualifying_users.user_type,
        qualifying_users.device,
        qualifying_users.channel,
        qualifying_users.exposure_event_id,
        qualifying_users.exposure_session_id,
        qualifying_users.exposure_user_event_number,
        assignments.assigned_at
    from qualifying_users
    inner join assignments
        on
            qualifying_users.experiment_id = assignments.experiment_id
            and qualifying_users.user_id = assignments.user_id
    where not assignments.is_multi_variant
)

select * from final
