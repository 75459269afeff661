{#- The sufficient statistics of the users whose metric value became known on each day (known_date:
    the day their metric window closed), per experiment x variant x metric x segment
    ('all'/'all', user_type, device). Summing over days gives the overall statistics; a running
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
    select
        *,
        'user_type' as segment_name,
        user_type as segment_value
    from user_metrics
    union all
    select
        *,
        'device' as segment_name,
        device as segment_value
    from user_metrics
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
