{#- Experiment x exposed user x metric: the per-user values of every metric of the experiment
    (experiment_metric_value over the raw aggregates of int_experiment_user_metric_windows), as
    analysed (with the offline simulation of int_experiment_user_outcomes applied) and as
    observed, before capping, for every exposed user -- is_window_complete says whether the
    user's metric window has closed (int_experiment_user_metrics keeps only those).

    The simulation acts on events (see int_experiment_user_outcomes): a simulated conversion adds
    one event of the uplift metric's type at the start of its window (1 event, 1 order, the
    simulated order value) to every numerator / denominator reading that type whose window
    contains that moment; a removed conversion drops the uplift metric's events from every
    window (the kept_* aggregates); which parts of a metric are touched is decided in
    int_experiment_metrics. -#}
{%- set contribution = experiment_simulated_event_contribution('outcomes.simulated_order_value') %}
{%- set parts = ['numerator', 'denominator'] %}

with

user_metric_windows as (
    select * from {{ ref('int_experiment_user_metric_windows') }}
),

outcomes as (
    select * from {{ ref('int_experiment_user_outcomes') }}
),

experiment_metrics as (
    select * from {{ ref('int_experiment_metrics') }}
),

joined as (
    select
        user_metric_windows.*,
        outcomes.variant,
        outcomes.exposure_date,
        outcomes.user_type,
        outcomes.device,
        outcomes.channel,
        experiment_metrics.metric_type,
        experiment_metrics.value_kind,
        experiment_metrics.denominator_value_kind,
        outcomes.is_simulated_outcome and outcomes.variant_uplift > 0 as adds_conversion,
        outcomes.is_simulated_outcome and outcomes.variant_uplift < 0 as removes_conversion,
        {% for part in parts -%}
            experiment_metrics.{{ part }}_gains_simulated_event,
            experiment_metrics.{{ part }}_loses_uplift_events,
            {% for aggregate, amount in contribution.items() -%}
                case
                    when
                        outcomes.is_simulated_outcome and outcomes.variant_uplift > 0
                        and experiment_metrics.{{ part }}_gains_simulated_event
                        then user_metric_windows.{{ part }}_{{ aggregate }} + {{ amount }}
                    when outcomes.is_simulated_outcome and outcomes.variant_uplift < 0
                        then user_metric_windows.kept_{{ part }}_{{ aggregate }}
                    else user_metric_windows.{{ part }}_{{ aggregate }}
                end as analysed_{{ part }}_{{ aggregate }}{% if not loop.last %},{% endif %}
            {% endfor -%}
            {% if not loop.last %},{% endif %}
        {% endfor %}
    from user_metric_windows
    inner join outcomes
        on
            user_metric_windows.experiment_id = outcomes.experiment_id
            and user_metric_windows.user_id = outcomes.user_id
    inner join experiment_metrics
        on
            user_metric_windows.experiment_id = experiment_metrics.experiment_id
            and user_metric_windows.metric_name = experiment_metrics.metric_name
),

final as (
    select
        experiment_id,
        user_id,
        variant,
        metric_name,
        metric_type,
        {{ experiment_metric_value('metric_type', 'value_kind', 'analysed_numerator') }}
            as metric_value,
        case
            when metric_type = 'ratio'
                then {{ experiment_metric_value(
                    "'ratio'", 'denominator_value_kind', 'analysed_denominator'
                ) }}
            else 1.0
        end as denominator_value,
        case
            when metric_type <> 'ratio'
                then {{ experiment_metric_value('metric_type', 'value_kind', 'pre_numerator') }}
        end as covariate_value,
        {{ experiment_metric_value('metric_type', 'value_kind', 'numerator') }}
            as observed_metric_value,
        case
            when metric_type = 'ratio'
                then {{ experiment_metric_value(
                    "'ratio'", 'denominator_value_kind', 'denominator'
                ) }}
            else 1.0
        end as observed_denominator_value,
        (
            adds_conversion
            and (
                numerator_gains_simulated_event
                or (metric_type = 'ratio' and denominator_gains_simulated_event)
            )
        )
        or (
            removes_conversion
            and (
                numerator_loses_uplift_events
                or (metric_type = 'ratio' and denominator_loses_uplift_events)
            )
        ) as is_simulated_outcome,
        exposed_at,
        exposure_date,
        metric_window_start_at,
        metric_window_end_at,
        is_window_complete,
        user_type,
        device,
        channel
    from joined
)

select * from final
