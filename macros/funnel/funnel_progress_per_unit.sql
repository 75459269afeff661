{#- One row per unit × funnel from the long in-order progress (ordered_funnel_steps' output).

    `units` names a relation or CTE with one row per unit (a session, a user's period) and the
    `keys` columns identifying it; every column of `units` is passed through. `progress` has
    one row per unit × funnel × step reached (keys, funnel_name, step_number, step_name,
    steps_reached_at); `funnel_steps` is the funnel seed. Every unit gets a row for every funnel,
    reached or not. step_reached_at has one element per step of the funnel (element k = when
    step k was reached, null when it was not). -#}
{% macro funnel_progress_per_unit(units, keys, progress, funnel_steps) -%}
    with funnels as (
        select
            funnel_name,
            count(*) as step_count,
            {{ null_list('count(*)', 'timestamp') }} as no_steps_reached
        from {{ funnel_steps }}
        group by funnel_name
    ),

    reached as (
        select
            {% for key in keys -%}
                progress.{{ key }},
            {% endfor -%}
            progress.funnel_name,
            max(progress.step_number) as furthest_step_number,
            max_by(progress.step_name, progress.step_number) as furthest_step_name,
            {{ list_resized(
                'max_by(progress.steps_reached_at, progress.step_number)',
                'any_value(funnels.step_count)', 'timestamp'
            ) }} as step_reached_at
        from {{ progress }} as progress
        inner join funnels
            on progress.funnel_name = funnels.funnel_name
        group by
            {% for key in keys -%}
                progress.{{ key }},
            {% endfor -%}
            progress.funnel_name
    )

    select
        units.*,
        funnels.funnel_name,
        cast(funnels.step_count as integer) as step_count,
        cast(coalesce(reached.furthest_step_number, 0) as integer) as furthest_step_number,
        reached.furthest_step_name,
        reached.furthest_step_number is not null as entered_funnel,
        coalesce(reached.furthest_step_number = funnels.step_count, false) as completed_funnel,
        coalesce(reached.step_reached_at, funnels.no_steps_reached) as step_reached_at
    from {{ units }} as units
    cross join funnels
    left join reached
        on
            {% for key in keys -%}
                units.{{ key }} = reached.{{ key }} and
            {% endfor -%}
            funnels.funnel_name = reached.funnel_name
{%- endmacro %}
