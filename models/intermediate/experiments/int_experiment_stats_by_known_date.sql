{#- The sufficient statistics of the users whose metric value became known on each day (known_date:
    the day their metric window closed), per experiment x variant x metric x segment
    ('all'/'all' and var experiment_segments). Summing over days gives the overall statistics; a running
    sum gives what was known at each look date. -#}
with

user_metrics as (
    select * from {{ ref('int_experiment_user_metrics') }}
),

segmented as (
    select
        *,
        'all' as segment_name,
        'all' as segment_value
    from user_metrics
    union all
    {{ experiment_segment_rows('user_metrics', '*') }}
),

final as (
    select
        experiment_id,
        variant,
        metric_name,
        metric_type,
        segment_name,
        segment_value,
        known_date,
        {{ experiment_sufficient_statistics() }}
    from segmented
    group by
        experiment_id, variant, metric_name, metric_type, segment_name, segment_value,
        known_date
)

select * from final
