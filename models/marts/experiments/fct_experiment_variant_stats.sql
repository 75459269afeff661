{#- The per-variant sufficient statistics scripts/analyze.py reads: one row per experiment x
    variant x metric x segment ('all'/'all' overall; user_type new/returning; device), over the
    exposed users whose metric window has closed (fct_experiment_user_metrics). Zero rows where
    an arm has nobody. -#}
{%- set columns = experiment_statistics_columns() %}
{%- set keys = experiment_statistics_keys() %}

with

spine as (
    select * from {{ ref('int_experiment_stats_spine') }}
),

by_known_date as (
    select * from {{ ref('int_experiment_stats_by_known_date') }}
),

overall as (
    select
        {{ keys | join(', ') }},
        {% for column in columns -%}
            sum({{ column }}) as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from by_known_date
    group by {{ keys | join(', ') }}
),

final as (
    select
        spine.experiment_id,
        spine.variant,
        spine.metric_name,
        spine.segment_name,
        spine.segment_value,
        spine.metric_type,
        {{ experiment_zero_filled_statistics('overall', 'spine') }}
    from spine
    left join overall
        on {{ columns_match('spine', 'overall', keys) }}
)

select * from final
