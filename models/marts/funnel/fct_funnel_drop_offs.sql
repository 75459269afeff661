{#- Where the funnel leaks, and for whom: every step-to-step transition (step k−1 → k, k ≥ 2)
    of every funnel over the whole data, overall and per device, channel and user type, ranked.
    step_rank 1 = the transition with the highest drop-off rate in that segment;
    segment_rank 1 = the segment losing the most sessions beyond what the overall rate
    predicts at that transition (excess_drop_offs). -#}
{%- set segment_columns = ['device', 'channel', 'user_type'] -%}

with

funnel_daily as (
    select * from {{ ref('fct_funnel_daily') }}
),

funnel_steps as (
    select * from {{ ref('funnel_steps') }}
),

segment_transitions as (
    select
        funnel_name,
        'overall' as segment_type,
        'all' as segment_value,
        step_number,
        step_name,
        sum(previous_step_entries) as previous_step_entries,
        sum(entries) as entries
    from funnel_daily
    where step_number > 1
    group by funnel_name, step_number, step_name
    {% for column in segment_columns %}
        union all
        select
            funnel_name,
            '{{ column }}' as segment_type,
            {{ column }} as segment_value,
            step_number,
            step_name,
            sum(previous_step_entries) as previous_step_entries,
            sum(entries) as entries
        from funnel_daily
        where step_number > 1
        group by funnel_name, {{ column }}, step_number, step_name
    {% endfor %}
),

with_rates as (
    select
        segment_transitions.*,
        previous_step.step_name as previous_step_name,
        segment_transitions.previous_step_entries
        - segment_transitions.entries as drop_offs,
        (segment_transitions.previous_step_entries - segment_transitions.entries)
        / nullif(segment_transitions.previous_step_entries, 0) as drop_off_rate
    from segment_transitions
    inner join funnel_steps as previous_step
        on
            segment_transitions.funnel_name = previous_step.funnel_name
            and segment_transitions.step_number = previous_step.step_number + 1
),

with_overall as (
    select
        with_rates.*,
        overall.drop_off_rate as overall_drop_off_rate,
        with_rates.drop_offs
        - with_rates.previous_step_entries * overall.drop_off_rate as excess_drop_offs
    from with_rates
    inner join with_rates as overall
        on
            with_rates.funnel_name = overall.funnel_name
            and with_rates.step_number = overall.step_number
            and overall.segment_type = 'overall'
),

final as (
    select
        funnel_name,
        segment_type,
        segment_value,
        cast(step_number as integer) as step_number,
        previous_step_name,
        step_name,
        cast(previous_step_entries as bigint) as previous_step_entries,
        cast(entries as bigint) as entries,
        cast(drop_offs as bigint) as drop_offs,
        cast(drop_off_rate as double) as drop_off_rate,
        cast(overall_drop_off_rate as double) as overall_drop_off_rate,
        cast(excess_drop_offs as double) as excess_drop_offs,
        cast(
            rank() over (
                partition by funnel_name, segment_type, segment_value
                order by drop_off_rate desc nulls last
            ) as integer
        ) as step_rank,
        cast(
            rank() over (
                partition by funnel_name, segment_type, step_number
                order by excess_drop_offs desc nulls last
            ) as integer
        ) as segment_rank
    from with_overall
)

select * from final
