{#- The in-order funnel, for any number of steps (one recursive step per funnel step).

    `candidates` names a relation or CTE with one row per (event, funnel step the event can
    fill): the `partition_by` columns (a session, or a user and a period), funnel_name,
    step_number, event_position (the event's order inside the partition, from fct_events'
    (event_at, event_id) order, so events at the same instant keep their order) and event_at.

    Step 1 is reached by the partition's first step-1 event; step k by the first step-k event
    strictly after the event that reached step k−1. An event of the right type before that
    (out of order) does not count, and a step whose event type repeats an earlier step's needs
    a later event of that type.

    Returns one row per partition × funnel × step reached: the partition columns,
    funnel_name, step_number, event_position and reached_at of the event that reached the step,
    seconds_from_previous_step (null for step 1) and steps_reached_at, the reached_at of steps
    1..k in order (carried along so the furthest row holds the whole path without an ordered
    list aggregate). Unreached steps have no row. -#}
{% macro ordered_funnel_steps(candidates, partition_by) -%}
    with recursive reached as (
        select
            {% for column in partition_by -%}
                {{ column }},
            {% endfor -%}
            funnel_name,
            step_number,
            min(event_position) as event_position,
            arg_min(event_at, event_position) as reached_at,
            cast(null as double) as seconds_from_previous_step,
            [arg_min(event_at, event_position)] as steps_reached_at
        from {{ candidates }}
        where step_number = 1
        group by
            {% for column in partition_by -%}
                {{ column }},
            {% endfor -%}
            funnel_name,
            step_number

        union all

        select
            {% for column in partition_by -%}
                candidates.{{ column }},
            {% endfor -%}
            candidates.funnel_name,
            candidates.step_number,
            min(candidates.event_position) as event_position,
            arg_min(candidates.event_at, candidates.event_position) as reached_at,
            cast(
                {{ microseconds_between(
                    'any_value(previous_step.reached_at)',
                    'arg_min(candidates.event_at, candidates.event_position)'
                ) }} / 1e6 as double
            ) as seconds_from_previous_step,
            list_append(
                any_value(previous_step.steps_reached_at),
                arg_min(candidates.event_at, candidates.event_position)
            ) as steps_reached_at
        from reached as previous_step
        inner join {{ candidates }} as candidates
            on
                {% for column in partition_by -%}
                    previous_step.{{ column }} = candidates.{{ column }} and
                {% endfor -%}
                previous_step.funnel_name = candidates.funnel_name
                and previous_step.step_number + 1 = candidates.step_number
                and previous_step.event_position < candidates.event_position
        group by
            {% for column in partition_by -%}
                candidates.{{ column }},
            {% endfor -%}
            candidates.funnel_name,
            candidates.step_number
    )

    select * from reached
{%- endmacro %}
