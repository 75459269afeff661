{#- The relation a generic test reads (dbt's get_where_subquery, overridden). Besides dbt's
    `where` config, the value 'latest_build' (the project's default for data tests,
    dbt_project.yml) restricts the test to the rows the latest build wrote when the tested
    model is incremental -- its YAML declares the _loaded_at bookkeeping column -- and tests
    every row otherwise. A full refresh writes every row, so it tests everything; a daily
    incremental build tests what it changed (docs/incremental.md, "Tests"). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == 'latest_build' -%}
        {%- set tested = graph.nodes.get(model.get('attached_node')) if execute else none -%}
        {%- if tested and '_loaded_at' in tested.get('columns', {}) -%}
            {%- set where = '_loaded_at = (select max(latest._loaded_at) from ' ~ relation
                ~ ' as latest)' -%}
        {%- else -%}
            {%- set where = '' -%}
        {%- endif -%}
    {%- endif -%}
    {%- if where -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
