{#- Every row the stats marts must have: experiment x variant x metric x segment, with the
    segments 'all'/'all' (always, even with nobody exposed), and every value of each segment of
    var experiment_segments that occurs among the experiment's exposed users -- for every
    variant, so that an arm with nobody in a segment shows up with users = 0. -#}
with

experiments as (
    select * from {{ ref('int_experiments_resolved') }}
),

experiment_variants as (
    select * from {{ ref('experiment_variants') }}
),

experiment_metrics as (
    select * from {{ ref('int_experiment_metrics') }}
),

exposures as (
    select * from {{ ref('fct_experiment_exposures') }}
),

segment_values as (
    select
        experiment_id,
        'all' as segment_name,
        'all' as segment_value
    from experiments
    union all
    {{ experiment_segment_rows('exposures', 'experiment_id', distinct=true) }}
),

final as (
    select
        segment_values.experiment_id,
        experiment_variants.variant,
        experiment_metrics.metric_name,
        experiment_metrics.metric_type,
        segment_values.segment_name,
        segment_values.segment_value
    from segment_values
    inner join experiment_variants
        on segment_values.experiment_id = experiment_variants.experiment_id
    inner join experiment_metrics
        on segment_values.experiment_id = experiment_metrics.experiment_id
)

select * from final
