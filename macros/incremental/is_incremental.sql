{#- dbt's is_incremental(), except under var('lint_full_refresh'): sqlfluff (.sqlfluff, templater
    context) lints the full-refresh form of the incremental models, the same whether or not the
    test warehouse it compiles against already holds them (make test builds it first), and on
    an adapter that rebuilds incremental models as tables (Spark: macros/spark/incremental_as_table.sql). -#}
{% macro is_incremental() -%}
    {%- if var('lint_full_refresh', false) or not incremental_builds_supported() -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(dbt.is_incremental()) }}
{%- endmacro %}
