{#- The predicate "written by a build after this incremental model last ran" on an upstream
    relation's _loaded_at (models/_incremental__docs.md): an incremental model reads those
    rows as its batch. Upstream rows are appended in build order, so the comparison with a
    scalar lets the engine skip the blocks of older builds. On a full refresh (or a first
    build) there is no previous state and every row counts. -#}
{% macro rewritten_since_last_build(column='_loaded_at') -%}
    {%- if is_incremental() -%}
        {{ column }} > (select max(loaded._loaded_at) from {{ this }} as loaded)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- The predicate "column is on or after the earliest `relation_column` among the rows of
    `relation` written since this model last ran": the rows a daily (or otherwise ordered)
    aggregate recomputes, everything from the earliest day a rewritten upstream row touches.
    true on a full refresh. -#}
{% macro from_earliest_rewritten(column, relation, relation_column) -%}
    {%- if is_incremental() -%}
        {{ column }} >= (
            select min(rewritten.{{ relation_column }}) from {{ relation }} as rewritten
            where {{ rewritten_since_last_build('rewritten._loaded_at') }}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- One row per user with rows of `relation` written since this model last ran, and the
    earliest `column` among them (where the user's recomputed tail starts), truncated to
    `grain` (day, week, month) when given: a select for an incremental model's CTE. -#}
{% macro rewritten_user_tails(relation, column, grain=none) -%}
    select
        user_id,
        {% if grain -%}
            cast({{ dbt.date_trunc(grain, 'min(' ~ column ~ ')') }} as date) as tail_start
        {%- else -%}
            min({{ column }}) as tail_start
        {%- endif %}
    from {{ relation }}
    where {{ rewritten_since_last_build() }}
    group by user_id
{%- endmacro %}


{#- The rows of `relation` in the recomputed tails of the users with rows written since this
    model last ran (rewritten_user_tails): each such user's rows from their tail start on, with
    the earliest tail start as a bound the engine can prune the scan by. A select for an
    incremental model's CTE. -#}
{% macro rewritten_user_tail_rows(relation, column, grain=none) -%}
    with

    user_tails as (
        {{ rewritten_user_tails(relation, column, grain) }}
    ),

    earliest_tail as (
        select min(tail_start) as tail_start
        from user_tails
    )

    select user_rows.*
    from {{ relation }} as user_rows
    cross join earliest_tail
    inner join user_tails
        on user_rows.user_id = user_tails.user_id
    where
        user_rows.{{ column }} >= earliest_tail.tail_start
        and user_rows.{{ column }} >= user_tails.tail_start
{%- endmacro %}
