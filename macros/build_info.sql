{#- Build provenance (marts.dq_build_info). -#}


{#- Files matching `path` (a file or a glob): how many, their total size in bytes and the
    latest modification time (UTC), without reading their content; 0 files when `exists` is
    false (read_blob fails on a missing file). -#}
{% macro file_identity(path, exists=true) -%}
    {%- if not exists -%}
    select 0 as files, cast(null as bigint) as bytes, cast(null as timestamp) as modified_at
    {%- else -%}
    select
        count(*) as files,
        sum(size) as bytes,
        cast(timezone('UTC', max(last_modified)) as timestamp) as modified_at
    from read_blob({{ sql_string(path) }})
    {%- endif -%}
{%- endmacro %}


{#- A text value of the refresh's provenance (a dict), as a SQL literal; null when absent. -#}
{% macro provenance_value(provenance, key) -%}
    {%- if provenance.get(key) is none -%}
        cast(null as varchar)
    {%- else -%}
        cast({{ sql_string(provenance[key]) }} as varchar)
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
            update {{ built[0].node.relation_name }}
            set build_finished_at = cast(timezone('UTC', current_timestamp) as timestamp)
            where build_id = {{ sql_string(invocation_id) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
