{#- Incremental strategy 'replace_tail': the new rows replace, per partition (e.g. a user), every
    row at or after the partition's earliest new row. Configure the partition column with
    tail_partition_by and the ordering column with tail_order_by:

        config(materialized='incremental', incremental_strategy='replace_tail',
               tail_partition_by='user_id', tail_order_by='event_at')

    For each tail_partition_by value among the new rows, the target rows with
    tail_order_by >= that value's smallest tail_order_by among the new rows are deleted, then
    the new rows are inserted; without tail_partition_by the whole table is one partition (a
    daily aggregate replaces its days from the earliest day it recomputed). So a model re-emits, per user, the whole tail it recomputed
    (from the first event it had to look at), and rows that no longer exist in that tail (e.g. a
    session merged into another) disappear. Partitions without new rows are untouched.
    A literal lower bound on tail_order_by lets the engine skip old blocks. -#}
{% macro get_incremental_replace_tail_sql(arg_dict) -%}
    {{ return(adapter.dispatch('get_incremental_replace_tail_sql', 'funnelhouse')(arg_dict)) }}
{%- endmacro %}

{% macro default__get_incremental_replace_tail_sql(arg_dict) -%}
    {{ exceptions.raise_compiler_error(
        "The incremental strategy replace_tail is implemented for DuckDB only; build "
        ~ this ~ " with --full-refresh on this adapter.") }}
{%- endmacro %}

{% macro duckdb__get_incremental_replace_tail_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set partition_by = config.get('tail_partition_by') -%}
    {%- set order_by = config.require('tail_order_by') -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set lower_bound = run_query(
        'select cast(min(' ~ order_by ~ ') as varchar) from ' ~ source).rows[0][0] -%}
    {%- if lower_bound is not none and partition_by %}
    delete from {{ target }} as target
    using (
        select
            {{ partition_by }},
            min({{ order_by }}) as tail_start
        from {{ source }}
        group by {{ partition_by }}
    ) as tails
    where
        target.{{ partition_by }} = tails.{{ partition_by }}
        and target.{{ order_by }} >= tails.tail_start
        and target.{{ order_by }} >= cast({{ sql_string(lower_bound) }} as timestamp);
    {%- elif lower_bound is not none %}
    delete from {{ target }}
    where {{ order_by }} >= cast({{ sql_string(lower_bound) }} as timestamp);
    {%- endif %}

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ source }}
{%- endmacro %}
