{#- One row per experiment metric (seeds/experiment_metrics.csv); the definitions are in
    macros/experiments/experiment_metrics.sql. -#}
{%- set metrics = experiment_metric_definitions() %}

with

experiment_metrics as (
    select * from {{ ref('experiment_metrics') }}
),

metric_catalogue as (
    {% for name, metric in metrics.items() -%}
        select
            '{{ name }}' as metric_name,
            '{{ metric.description | replace("'", "''") }}' as metric_description,
            {{ 'false' if metric.type == 'ratio' else 'true' }} as has_covariate
        {% if not loop.last -%}
            union all
        {% endif -%}
    {% endfor %}
),

final as (
    select
        experiment_metrics.experiment_id,
        experiment_metrics.metric_name,
        experiment_metrics.metric_type,
        experiment_metrics.metric_role,
        experiment_metrics.metric_role = 'primary' as is_primary,
        experiment_metrics.metric_role = 'guardrail' as is_guardrail,
        experiment_metrics.higher_is_better,
        metric_catalogue.metric_description,
        metric_catalogue.has_covariate
    from experiment_metrics
    left join metric_catalogue
        on experiment_metrics.metric_name = metric_catalogue.metric_name
)

select * from final
