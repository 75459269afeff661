-- The default funnel (var default_funnel) by segment over the whole data: for everybody and
-- per device, channel and user type, the sessions reaching each step in order and the
-- step-to-step and overall conversion, recomputed from summed counts.
{%- set segments = {
    'overall': "'all'",
    'device': 'device',
    'channel': 'channel',
    'user_type': 'user_type',
} %}
with

funnel_daily as (
    select * from {{ ref('fct_funnel_daily') }}
    where funnel_name = '{{ var("default_funnel") }}'
),

segment_steps as (
    {% for segment_type, segment_value in segments.items() %}
        select
            '{{ segment_type }}' as segment_type,
            {{ segment_value }} as segment_value,
            step_number,
            any_value(step_name) as step_name,
            sum(sessions) as sessions,
            sum(entries) as entries,
            sum(previous_step_entries) as previous_step_entries
        from funnel_daily
        group by segment_value, step_number
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        segment_type,
        segment_value,
        step_number,
        step_name,
        entries,
        round(entries / nullif(previous_step_entries, 0), 4) as step_conversion_rate,
        round(
            entries / nullif(
                first_value(entries) over (
                    partition by segment_type, segment_value order by step_number asc
                ),
                0
            ),
            4
        ) as overall_conversion_rate,
        round(entries / sessions, 4) as session_conversion_rate
    from segment_steps
)

select * from final
order by segment_type asc, segment_value asc, step_number asc
