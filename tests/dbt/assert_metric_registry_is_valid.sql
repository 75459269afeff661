{#- The metric registry (seeds/metrics.csv) and the metrics the experiments reference
    (seeds/experiment_metrics.csv, experiments.csv's uplift_metric) are valid. Each returned row
    names the metric (and the experiment, where the problem is the experiment's) and the
    problem; the failures are stored, so dbt prints the query that lists them. Runs on the
    seeds alone, so a bad registry stops the build before any experiment model. -#}
{{ config(store_failures=true) }}

with

metrics as (
    select * from {{ ref('metrics') }}
),

experiment_metrics as (
    select * from {{ ref('experiment_metrics') }}
),

experiments as (
    select * from {{ ref('experiments') }}
),

canonical_event_types as (
    select * from {{ ref('canonical_event_types') }}
),

checked as (
    select
        metrics.*,
        count(*) over (partition by metrics.metric_name) as definitions,
        numerator_types.event_type is not null as is_known_event_type,
        denominator_types.event_type is not null as is_known_denominator_event_type,
        {{ experiment_metric_unit(
            'metrics.unit', 'metrics.metric_type', "coalesce(metrics.value, 'count')"
        ) }} as resolved_unit
    from metrics
    left join canonical_event_types as numerator_types
        on metrics.event_type = numerator_types.event_type
    left join canonical_event_types as denominator_types
        on metrics.denominator_event_type = denominator_types.event_type
),

metric_problems as (
    select
        metric_name,
        'metric_name is defined ' || cast(definitions as string) || ' times' as problem
    from checked
    where definitions > 1
    union all
    select
        metric_name,
        'metric_type must be binomial, mean or ratio (got '
        || coalesce('''' || metric_type || '''', 'nothing') || ')' as problem
    from checked
    where metric_type is null or metric_type not in ('binomial', 'mean', 'ratio')
    union all
    select
        metric_name,
        'event_type ' || coalesce('''' || event_type || '''', '(empty)')
        || ' is not a canonical event type (seeds/canonical_event_types.csv)' as problem
    from checked
    where not is_known_event_type
    union all
    select
        metric_name,
        'value must be count, distinct_orders or revenue (got ''' || value || ''')' as problem
    from checked
    where value not in ('count', 'distinct_orders', 'revenue')
    union all
    select
        metric_name,
        'a binomial metric counts users with an event: value must be count or empty' as problem
    from checked
    where metric_type = 'binomial' and value <> 'count'
    union all
    select
        metric_name,
        'a ratio metric needs denominator_event_type and denominator_value' as problem
    from checked
    where metric_type = 'ratio' and (denominator_event_type is null or denominator_value is null)
    union all
    select
        metric_name,
        'denominator_event_type ''' || denominator_event_type
        || ''' is not a canonical event type (seeds/canonical_event_types.csv)' as problem
    from checked
    where denominator_event_type is not null and not is_known_denominator_event_type
    union all
    select
        metric_name,
        'denominator_value must be count, distinct_orders or revenue (got '''
        || denominator_value || ''')' as problem
    from checked
    where denominator_value not in ('count', 'distinct_orders', 'revenue')
    union all
    select
        metric_name,
        'only ratio metrics have a denominator (denominator_event_type, denominator_value)'
            as problem
    from checked
    where
        metric_type <> 'ratio'
        and (denominator_event_type is not null or denominator_value is not null)
    union all
    select
        metric_name,
        'window_start_hours must be >= 0 (the window starts at the exposure or later)' as problem
    from checked
    where window_start_hours < 0
    union all
    select
        metric_name,
        'window_end_hours (' || cast(window_end_hours as string)
        || ') must be greater than window_start_hours ('
        || cast(coalesce(window_start_hours, 0) as string) || ')' as problem
    from checked
    where window_end_hours <= coalesce(window_start_hours, 0)
    union all
    select
        metric_name,
        'cap_percentile must be in (0, 1), e.g. 0.99 (got ' || cast(cap_percentile as string)
        || ')' as problem
    from checked
    where not (cap_percentile > 0 and cap_percentile < 1)
    union all
    select
        metric_name,
        'cap_percentile applies to mean and ratio metrics, not to ' || metric_type as problem
    from checked
    where cap_percentile is not null and metric_type = 'binomial'
    union all
    select
        metric_name,
        'higher_is_better must be true or false' as problem
    from checked
    where higher_is_better is null
    union all
    select
        metric_name,
        'value_per_unit must be positive (got ' || cast(value_per_unit as string) || ')'
            as problem
    from checked
    where value_per_unit <= 0
    union all
    select
        metric_name,
        'a currency metric is money already: leave value_per_unit empty' as problem
    from checked
    where value_per_unit is not null and resolved_unit = 'currency'
    union all
    select
        metric_name,
        'unit currency needs value revenue (a count is not money; give value_per_unit instead)'
            as problem
    from checked
    where resolved_unit = 'currency' and coalesce(value, 'count') <> 'revenue'
),

experiment_problems as (
    select
        experiment_metrics.metric_name,
        experiment_metrics.experiment_id,
        'metric ' || experiment_metrics.metric_name || ' of experiment '
        || experiment_metrics.experiment_id || ' is not defined in seeds/metrics.csv' as problem
    from experiment_metrics
    left join metrics
        on experiment_metrics.metric_name = metrics.metric_name
    where metrics.metric_name is null
    union all
    select distinct
        metrics.metric_name,
        experiments.experiment_id,
        'window_end_hours is empty, so the window ends with the conversion window of '
        || experiments.experiment_id || ' (' || cast(experiments.conversion_window_hours as string)
        || ' h), which is not after window_start_hours ('
        || cast(metrics.window_start_hours as string) || ')' as problem
    from experiment_metrics
    inner join metrics
        on experiment_metrics.metric_name = metrics.metric_name
    inner join experiments
        on experiment_metrics.experiment_id = experiments.experiment_id
    where
        metrics.window_end_hours is null
        and experiments.conversion_window_hours <= coalesce(metrics.window_start_hours, 0)
    union all
    select
        experiments.uplift_metric as metric_name,
        experiments.experiment_id,
        'uplift_metric ' || experiments.uplift_metric
        || ' must be a binomial metric of the experiment (seeds/experiment_metrics.csv)'
            as problem
    from experiments
    left join experiment_metrics
        on
            experiments.experiment_id = experiment_metrics.experiment_id
            and experiments.uplift_metric = experiment_metrics.metric_name
    left join metrics
        on experiment_metrics.metric_name = metrics.metric_name
    where
        experiments.uplift_metric is not null
        and (
            experiment_metrics.metric_name is null
            or metrics.metric_type is distinct from 'binomial'
        )
),

problems as (
    select
        metric_name,
        cast(null as string) as experiment_id,
        problem
    from metric_problems
    union all
    select
        metric_name,
        experiment_id,
        problem
    from experiment_problems
)

select * from problems
