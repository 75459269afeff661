{{ config(post_hook="{{ stop_on_unclosed_quote(this, experiment_assignments_path()) }}") }}

{#- Every row of the assignment log, typed and trimmed, with the first rule it breaks
    (null = clean). Rules: a CSV record must have the header's number of fields; an experiment
    id and a user id are required; the experiment must be in
    the registry with assignment_source = logged; the variant must be one of its variants; an
    assigned_at that is given must parse; texts must not exceed var('max_text_length'). -#}
{%- set raw_relation = ref('stg_assignment_log__raw_assignments') -%}
{%- set raw_types = column_types(raw_relation) -%}

with

raw_assignments as (
    select * from {{ raw_relation }}
),

experiments as (
    select * from {{ ref('experiments') }}
),

experiment_variants as (
    select * from {{ ref('experiment_variants') }}
),

trimmed as (
    select
        source_file,
        source_row_number,
        parse_error,
        {{ clean_text('experiment_id') }} as experiment_id,
        -- trimmed exactly like the events' user ids, so that the two match
        {{ clean_id('user_id') }} as user_id,
        {{ clean_text('variant') }} as variant,
        {{ clean_text('assigned_at') }} as assigned_at_text,
        {{ parse_utc_timestamp('assigned_at', raw_types.get('assigned_at')) }} as assigned_at
    from raw_assignments
),

checked as (
    select
        trimmed.*,
        case
            when trimmed.parse_error is not null then 'malformed_row'
            when trimmed.experiment_id is null then 'missing_experiment_id'
            when experiments.experiment_id is null then 'unknown_experiment'
            when experiments.assignment_source <> 'logged' then 'experiment_not_logged'
            when trimmed.user_id is null then 'missing_user_id'
            when trimmed.variant is null then 'missing_variant'
            when experiment_variants.variant is null then 'unknown_variant'
            when
                trimmed.assigned_at_text is not null and trimmed.assigned_at is null
                then 'unparseable_assigned_at'
            when greatest(
                length(trimmed.experiment_id),
                length(trimmed.user_id),
                length(trimmed.variant)
            ) > {{ var('max_text_length') }} then 'text_too_long'
        end as quarantine_reason
    from trimmed
    left join experiments
        on trimmed.experiment_id = experiments.experiment_id
    left join experiment_variants
        on
            trimmed.experiment_id = experiment_variants.experiment_id
            and trimmed.variant = experiment_variants.variant
),

final as (
    select
        source_file,
        source_row_number,
        experiment_id,
        user_id,
        variant,
        assigned_at_text,
        assigned_at,
        quarantine_reason,
        quarantine_reason is null as is_clean
    from checked
)

select * from final
