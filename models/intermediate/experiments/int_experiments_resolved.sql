{#- The experiment registry with its windows resolved against the data.

    A configured start_at / end_at is used as given. An empty one is relative to the data:
    start = the first event; end (exclusive) = the last event - the conversion window, so that
    every exposed user's conversion window lies inside the data. When the data are too short for
    that (last event - conversion window <= start), the exposure window ends at the median
    session start (half of the activity can expose users, the other half is follow-up; the
    midpoint between start and the last event if the median is not after the start),
    window_rule says 'data_fallback' and conversion_window_complete is false. -#}
with

experiments as (
    select * from {{ ref('experiments') }}
),

experiment_variants as (
    select * from {{ ref('experiment_variants') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

date_range as (
    select * from {{ ref('int_events__date_range') }}
),

session_median as (
    select {{ percentile_disc_timestamp('session_start_at', 0.5) }} as data_median_session_start_at
    from sessions
),

data_range as (
    select
        date_range.first_event_at as data_start_at,
        date_range.last_event_at as data_end_at,
        session_median.data_median_session_start_at
    from date_range
    cross join session_median
),

variant_lists as (
    select
        experiment_id,
        {{ ordered_list_agg('variant', 'variant_index') }} as variant_names,
        {{ ordered_list_agg('cast(weight as double)', 'variant_index') }} as variant_weights,
        count(*) as variant_count
    from experiment_variants
    group by experiment_id
),

parsed as (
    select
        experiment_id,
        description,
        coalesce(nullif(trim(salt), ''), experiment_id) as salt,
        lower(trim(hash_method)) as hash_method,
        cast(coverage as double) as coverage,
        start_at as configured_start_at,
        end_at as configured_end_at,
        trim(exposure_event) as exposure_event,
        nullif(trim(target_segment), '') as target_segment,
        nullif(trim(split_part(target_segment, '=', 1)), '') as target_segment_name,
        nullif(trim(split_part(target_segment, '=', 2)), '') as target_segment_value,
        lower(trim(assignment_source)) as assignment_source,
        cast(conversion_window_hours as integer) as conversion_window_hours,
        cast(coalesce(pre_period_days, 14) as integer) as pre_period_days,
        coalesce(is_simulated, false) as is_simulated,
        cast(simulated_uplift as double) as simulated_uplift,
        nullif(trim(uplift_segment), '') as uplift_segment,
        nullif(trim(split_part(uplift_segment, '=', 1)), '') as uplift_segment_name,
        nullif(trim(split_part(uplift_segment, '=', 2)), '') as uplift_segment_value,
        nullif(trim(uplift_metric), '') as uplift_metric,
        lower(nullif(trim(analysis_plan), '')) as analysis_plan,
        cast(planned_users as bigint) as planned_users,
        coalesce(is_aa_test, false) as is_aa_test
    from experiments
),

with_data as (
    select
        parsed.*,
        variant_lists.variant_names,
        variant_lists.variant_weights,
        variant_lists.variant_count,
        data_range.data_start_at,
        data_range.data_end_at,
        data_range.data_median_session_start_at,
        coalesce(parsed.configured_start_at, data_range.data_start_at) as window_start_at,
        {{ dbt.dateadd('hour', '-parsed.conversion_window_hours', 'data_range.data_end_at') }}
            as relative_end_at
    from parsed
    cross join data_range
    left join variant_lists
        on parsed.experiment_id = variant_lists.experiment_id
),

windows as (
    select
        *,
        case
            when configured_end_at is not null then 'configured'
            when relative_end_at > window_start_at then 'data'
            else 'data_fallback'
        end as window_rule,
        case
            when configured_end_at is not null then configured_end_at
            when relative_end_at > window_start_at then relative_end_at
            when data_median_session_start_at > window_start_at then data_median_session_start_at
            else {{ add_microseconds(
                'window_start_at',
                integer_divide(microseconds_between('window_start_at', 'data_end_at'), 2)
            ) }}
        end as window_end_at
    from with_data
),

final as (
    select
        experiment_id,
        description,
        salt,
        hash_method,
        coverage,
        exposure_event,
        target_segment,
        target_segment_name,
        target_segment_value,
        assignment_source,
        conversion_window_hours,
        pre_period_days,
        is_simulated,
        simulated_uplift,
        uplift_segment,
        uplift_segment_name,
        uplift_segment_value,
        uplift_metric,
        analysis_plan,
        planned_users,
        is_aa_test,
        variant_names,
        variant_weights,
        cast(variant_count as integer) as variant_count,
        configured_start_at,
        configured_end_at,
        data_start_at,
        data_end_at,
        window_start_at,
        window_end_at,
        window_rule,
        coalesce(
            {{ dbt.dateadd('hour', 'conversion_window_hours', 'window_end_at') }}
            <= {{ dbt.dateadd('microsecond', 1, 'data_end_at') }},
            false
        ) as conversion_window_complete
    from windows
)

select * from final
