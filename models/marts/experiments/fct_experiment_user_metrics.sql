{#- Experiment x exposed user x metric (the experiment's metrics in dim_experiment_metrics, defined
    in the registry seeds/metrics.csv): the users whose metric window has closed, with the values
    as analysed (simulated where is_simulated_outcome, capped where the metric is capped), as
    observed, and the pre-exposure covariate. Built in int_experiment_user_metrics. -#}
with

user_metrics as (
    select * from {{ ref('int_experiment_user_metrics') }}
),

final as (
    select * from user_metrics
)

select * from final
