{{ config(materialized='view') }}

{#- Rows of the assignment log that cannot be used, with the first rule they break. -#}
with

validated_assignments as (
    select * from {{ ref('stg_assignment_log__validated_assignments') }}
),

final as (
    select
        source_file,
        source_row_number,
        quarantine_reason,
        experiment_id,
        user_id,
        variant,
        assigned_at_text,
        assigned_at
    from validated_assignments
    where not is_clean
)

select * from final
