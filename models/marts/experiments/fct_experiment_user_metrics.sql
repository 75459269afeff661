{#- Experiment x exposed user x metric (the experiment's metrics in dim_experiment_metrics),
    defined once in experiment_metric_definitions(): metric_value / denominator_value over the
    conversion window as analysed (simulated where is_simulated_outcome), the observed values,
    and covariate_value = the same metric over the pre-exposure window (null for ratio
    metrics). -#}
{%- set metrics = experiment_metric_definitions() %}

with

outcomes as (
    select * from {{ ref('int_experiment_user_outcomes') }}
),

experiment_metrics as (
    select * from {{ ref('experiment_metrics') }}
),

long_format as (
    {% for name, metric in metrics.items() -%}
        {%- set covariate = 'cast(null as double)' if metric.type == 'ratio'
            else experiment_metric_numerator(name, 'pre_') -%}
        {%- set simulated = 'is_simulated_outcome'
            if experiment_metric_uses_simulated_inputs(name) else 'false' -%}
        select
            experiment_id,
            user_id,
            variant,
            '{{ name }}' as metric_name,
            '{{ metric.type }}' as metric_type,
            {{ experiment_metric_numerator(name, '') }} as metric_value,
            {{ experiment_metric_denominator(name, '') }} as denominator_value,
            {{ covariate }} as covariate_value,
            {{ experiment_metric_numerator(name, 'observed_') }} as observed_metric_value,
            {{ experiment_metric_denominator(name, 'observed_') }} as observed_denominator_value,
            {{ simulated }} as is_simulated_outcome,
            exposed_at,
            exposure_date,
            user_type,
            device,
            channel
        from outcomes
        {% if not loop.last -%}
            union all
        {% endif -%}
    {% endfor %}
),

final as (
    select long_format.*
    from long_format
    inner join experiment_metrics
        on
            long_format.experiment_id = experiment_metrics.experiment_id
            and long_format.metric_name = experiment_metrics.metric_name
)

select * from final
