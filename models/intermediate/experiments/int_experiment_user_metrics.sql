{#- Experiment x exposed user x metric, as analysed: the users whose metric window has closed by
    the end of the data (the others are left out of the metric, never counted as 0; they are
    counted in fct_experiment_health), with percentile-capped values where the registry asks
    for it -- metric_value, observed_metric_value and the covariate are capped at the same
    cap_value (int_experiment_metric_caps). known_date is the first look date on which the
    value is known: the day the metric window closes. -#}
with

user_metric_values as (
    select * from {{ ref('int_experiment_user_metric_values') }}
),

metric_caps as (
    select * from {{ ref('int_experiment_metric_caps') }}
),

final as (
    select
        user_metric_values.experiment_id,
        user_metric_values.user_id,
        user_metric_values.variant,
        user_metric_values.metric_name,
        user_metric_values.metric_type,
        {{ experiment_capped('user_metric_values.metric_value', 'metric_caps.cap_value') }}
            as metric_value,
        user_metric_values.denominator_value,
        {{ experiment_capped('user_metric_values.covariate_value', 'metric_caps.cap_value') }}
            as covariate_value,
        {{ experiment_capped('user_metric_values.observed_metric_value', 'metric_caps.cap_value') }}
            as observed_metric_value,
        user_metric_values.observed_denominator_value,
        user_metric_values.metric_value as uncapped_metric_value,
        user_metric_values.is_simulated_outcome,
        user_metric_values.exposed_at,
        user_metric_values.exposure_date,
        user_metric_values.metric_window_end_at,
        cast(
            {{ dbt.dateadd('microsecond', -1, 'user_metric_values.metric_window_end_at') }} as date
        ) as known_date,
        user_metric_values.user_type,
        user_metric_values.device,
        user_metric_values.channel
    from user_metric_values
    inner join metric_caps
        on
            user_metric_values.experiment_id = metric_caps.experiment_id
            and user_metric_values.metric_name = metric_caps.metric_name
    where user_metric_values.is_window_complete
)

select * from final
