{#- The build's start time (dbt's run_started_at, UTC) as a timestamp: the _loaded_at of every
    row an incremental model writes in this build, so that the next model (and the next build)
    can tell the rows written since it last ran. -#}
{% macro build_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
