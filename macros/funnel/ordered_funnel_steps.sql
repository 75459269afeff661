{#- The in-order funnel, for any number of steps (one recursive step per funnel step; on
    Spark, which allows no aggregate over a recursive reference, one ordered fold per partition).

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
    {{ return(adapter.dispatch('ordered_funnel_steps', 'funnelhouse')(candidates, partition_by)) }}
{%- endmacro %}

{% macro default__ordered_funnel_steps(candidates, partition_by) -%}
    with recursive reached as (
        {{ funnel_first_step(candidates, partition_by) }}

        union all

        {{ funnel_next_step('reached', candidates, partition_by) }}
    )

    select * from reached
{%- endmacro %}

{#- Spark allows no aggregate over a recursive reference, so the partition's candidate events
    are folded in order instead: a step is reached by the next event that fills the step after
    the last one reached, strictly after that step's event (the recursion's rule, one pass). -#}
{% macro spark__ordered_funnel_steps(candidates, partition_by) -%}
    {%- set step = 'struct<step_number: int, event_position: bigint, reached_at: timestamp>' -%}
    with candidate_lists as (
        select
            {% for column in partition_by -%}
                {{ column }},
            {% endfor -%}
            funnel_name,
            array_sort(collect_list(struct(
                cast(event_position as bigint) as event_position,
                cast(step_number as int) as step_number,
                event_at
            ))) as events
        from {{ candidates }}
        group by
            {% for column in partition_by -%}
                {{ column }},
            {% endfor -%}
            funnel_name
    ),

    paths as (
        select
            {% for column in partition_by -%}
                {{ column }},
            {% endfor -%}
            funnel_name,
            aggregate(
                events,
                named_struct(
                    'last_position', cast(null as bigint),
                    'steps', cast(array() as array<{{ step }}>)
                ),
                (path_, event_) -> case
                    when
                        event_.step_number = size(path_.steps) + 1
                        and (path_.last_position is null or event_.event_position > path_.last_position)
                        then named_struct(
                            'last_position', event_.event_position,
                            'steps', array_append(path_.steps, cast(named_struct(
                                'step_number', event_.step_number,
                                'event_position', event_.event_position,
                                'reached_at', event_.event_at
                            ) as {{ step }}))
                        )
                    else path_
                end
            ).steps as steps
        from candidate_lists
    ),

    reached as (
        select
            paths.*,
            step_index,
            reached_step
        from paths
        lateral view posexplode(steps) exploded as step_index, reached_step
    )

    select
        {% for column in partition_by -%}
            {{ column }},
        {% endfor -%}
        funnel_name,
        reached_step.step_number,
        reached_step.event_position,
        reached_step.reached_at,
        case when step_index > 0 then cast({{ microseconds_between(
            'element_at(steps, step_index).reached_at', 'reached_step.reached_at'
        ) }} / 1e6 as double) end as seconds_from_previous_step,
        slice(transform(steps, step_ -> step_.reached_at), 1, step_index + 1) as steps_reached_at
    from reached
{%- endmacro %}


{#- Step 1 of every partition and funnel: the partition's first step-1 event. -#}
{% macro funnel_first_step(candidates, partition_by) -%}

        select
            {% for column in partition_by -%}
                {{ column }},
            {% endfor -%}
            funnel_name,
            step_number,
            min(event_position) as event_position,
            min_by(event_at, event_position) as reached_at,
            cast(null as double) as seconds_from_previous_step,
            {{ list_of(['min_by(event_at, event_position)']) }} as steps_reached_at
        from {{ candidates }}
        where step_number = 1
        group by
            {% for column in partition_by -%}
                {{ column }},
            {% endfor -%}
            funnel_name,
            step_number
{%- endmacro %}


{#- Step k + 1 from the rows of step k in `previous`: the first step-(k + 1) event after the
    event that reached step k. -#}
{% macro funnel_next_step(previous, candidates, partition_by) -%}
        select
            {% for column in partition_by -%}
                candidates.{{ column }},
            {% endfor -%}
            candidates.funnel_name,
            candidates.step_number,
            min(candidates.event_position) as event_position,
            min_by(candidates.event_at, candidates.event_position) as reached_at,
            cast(
                {{ microseconds_between(
                    'any_value(previous_step.reached_at)',
                    'min_by(candidates.event_at, candidates.event_position)'
                ) }} / 1e6 as double
            ) as seconds_from_previous_step,
            {{ append_to_list(
                'any_value(previous_step.steps_reached_at)',
                'min_by(candidates.event_at, candidates.event_position)'
            ) }} as steps_reached_at
        from {{ previous }} as previous_step
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
{%- endmacro %}
