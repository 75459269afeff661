{#- The experiment stats marts agree with each other: the 'all' segment counts every exposed
    user of the variant except those whose metric window has not closed; the user_type and the device segments each add up to 'all'; the last
    look_date of the daily cumulative stats equals the overall stats; fct_experiment_health
    counts the same exposed users. Returns the disagreements. -#}
with

exposures as (
    select * from {{ ref('fct_experiment_exposures') }}
),

variant_stats as (
    select * from {{ ref('fct_experiment_variant_stats') }}
),

daily_stats as (
    select * from {{ ref('fct_experiment_variant_stats_daily') }}
),

health as (
    select * from {{ ref('fct_experiment_health') }}
),

user_metric_values as (
    select * from {{ ref('int_experiment_user_metric_values') }}
),

exposed_totals as (
    select
        experiment_id,
        count(*) as exposed_users
    from exposures
    group by experiment_id
),

exposed_by_variant as (
    select
        experiment_id,
        variant,
        count(*) as exposed_users
    from exposures
    group by experiment_id, variant
),

open_windows as (
    select
        experiment_id,
        variant,
        metric_name,
        count(*) as open_window_users
    from user_metric_values
    where not is_window_complete
    group by experiment_id, variant, metric_name
),

overall as (
    select * from variant_stats
    where segment_name = 'all'
),

segment_totals as (
    select
        experiment_id,
        variant,
        metric_name,
        segment_name,
        sum(users) as users,  -- noqa: RF04
        sum(metric_sum) as metric_sum
    from variant_stats
    where segment_name <> 'all'
    group by experiment_id, variant, metric_name, segment_name
),

last_look as (
    select * from daily_stats
    qualify look_date = max(look_date) over (partition by experiment_id)
),

problems as (
    select
        overall.experiment_id,
        overall.variant,
        overall.metric_name,
        'all-segment users + users with an open window differ from the exposures' as problem
    from overall
    left join exposed_by_variant
        on
            overall.experiment_id = exposed_by_variant.experiment_id
            and overall.variant = exposed_by_variant.variant
    left join open_windows
        on
            overall.experiment_id = open_windows.experiment_id
            and overall.variant = open_windows.variant
            and overall.metric_name = open_windows.metric_name
    where
        overall.users + coalesce(open_windows.open_window_users, 0)
        <> coalesce(exposed_by_variant.exposed_users, 0)
    union all
    select
        segment_totals.experiment_id,
        segment_totals.variant,
        segment_totals.metric_name,
        segment_totals.segment_name || ' segments do not add up to all' as problem
    from segment_totals
    inner join overall
        on
            segment_totals.experiment_id = overall.experiment_id
            and segment_totals.variant = overall.variant
            and segment_totals.metric_name = overall.metric_name
    where
        segment_totals.users <> overall.users
        or abs(segment_totals.metric_sum - overall.metric_sum) > 1e-6
    union all
    select
        variant_stats.experiment_id,
        variant_stats.variant,
        variant_stats.metric_name,
        'last daily look differs from the overall stats' as problem
    from variant_stats
    inner join last_look
        on
            variant_stats.experiment_id = last_look.experiment_id
            and variant_stats.variant = last_look.variant
            and variant_stats.metric_name = last_look.metric_name
            and variant_stats.segment_name = last_look.segment_name
            and variant_stats.segment_value = last_look.segment_value
    where
        variant_stats.users <> last_look.users
        {%- for column in experiment_statistics_columns() if column != 'users' %}
            or abs(coalesce(variant_stats.{{ column }}, 0) - coalesce(last_look.{{ column }}, 0))
            > 1e-6 * (1 + abs(coalesce(variant_stats.{{ column }}, 0)))
            or (variant_stats.{{ column }} is null) <> (last_look.{{ column }} is null)
        {%- endfor %}
    union all
    select
        health.experiment_id,
        null as variant,
        null as metric_name,
        'health exposed_users differ from the exposures' as problem
    from health
    left join exposed_totals
        on health.experiment_id = exposed_totals.experiment_id
    where health.exposed_users <> coalesce(exposed_totals.exposed_users, 0)
)

select * from problems
