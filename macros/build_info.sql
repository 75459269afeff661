{#- Build provenance (marts.dq_build_info). -#}


{#- A text value of the refresh's provenance (a dict), as a SQL literal; null when absent. -#}
{% macro provenance_value(provenance, key) -%}
    {%- if provenance.get(key) is none -%}
        cast(null as string)
    {%- else -%}
        cast({{ sql_string(provenance[key]) }} as string)
    {%- endif -%}
{%- endmacro %}


{#- on-run-end: when every node of the run passed and this run built marts.dq_build_info, stamp
    its build_finished_at. A failed, skipped or errored node leaves it null, so a warehouse
    whose build did not finish says so. -#}
{% macro finish_build_info(results) -%}
    {%- if execute -%}
        {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'skipped'])
            | list -%}
        {%- set built = results | selectattr('node.name', 'equalto', 'dq_build_info')
            | selectattr('status', 'equalto', 'success') | list -%}
        {%- if built and not failed -%}
            {{ stamp_build_finished(built[0].node.relation_name) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- The statement that sets build_finished_at (now, UTC) on this build's row of `relation`. -#}
{% macro stamp_build_finished(relation) -%}
    {{ return(adapter.dispatch('stamp_build_finished', 'funnelhouse')(relation)) }}
{%- endmacro %}

{% macro default__stamp_build_finished(relation) -%}
    update {{ relation }}
    set build_finished_at = cast(timezone('UTC', current_timestamp) as timestamp)
    where build_id = {{ sql_string(invocation_id) }}
{%- endmacro %}

{#- Spark's Parquet tables have no update, and a table cannot be overwritten from itself: the
    stamped row goes through a scratch table (statements run here; a hook is one statement). -#}
{% macro spark__stamp_build_finished(relation) -%}
    {%- set scratch = target.schema ~ '.fh_build_info_finished' -%}
    {%- set columns = [] -%}
    {%- for column in adapter.get_columns_in_relation(load_relation_from_name(relation)) -%}
        {%- if column.name == 'build_finished_at' -%}
            {%- do columns.append('case when build_id = ' ~ sql_string(invocation_id)
                ~ ' then current_timestamp() else build_finished_at end as build_finished_at') -%}
        {%- else -%}
            {%- do columns.append(adapter.quote(column.name)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do run_query('drop table if exists ' ~ scratch) -%}
    {%- do run_query('create table ' ~ scratch ~ ' using parquet as select '
        ~ (columns | join(', ')) ~ ' from ' ~ relation) -%}
    {%- do run_query('insert overwrite table ' ~ relation ~ ' select * from ' ~ scratch) -%}
    {%- do run_query('drop table ' ~ scratch) -%}
    select 1
{%- endmacro %}


{#- The relation of a rendered relation name (schema.identifier, quoted or not). -#}
{% macro load_relation_from_name(relation_name) -%}
    {%- set parts = relation_name.replace('`', '').replace('"', '').split('.') -%}
    {{ return(adapter.get_relation(
        database=none if parts | length < 3 else parts[-3],
        schema=parts[-2], identifier=parts[-1])) }}
{%- endmacro %}
