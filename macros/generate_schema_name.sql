{#- Use the folder's schema name as is (staging, intermediate, marts, seeds), without the
    target-schema prefix dbt adds by default, so analysts can write marts.fct_sessions. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
