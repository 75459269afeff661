{#- Spark: an incremental model is rebuilt as a whole table on every run. The tables here are
    plain Parquet (no delete, no merge), so neither replace_tail nor delete+insert can run, and
    dbt-spark's own incremental materialization rejects those strategies even with
    --full-refresh. This root-project materialization takes precedence over dbt-spark's for
    adapter spark; is_incremental() is false on Spark (macro incremental_builds_supported), so
    the model's SQL is its full-refresh form. The body is dbt-spark's table materialization
    (drop, create table as, grants, docs, constraints). docs/spark.md, "Incremental models". -#}
{% materialization incremental, adapter='spark', supported_languages=['sql'] %}
    {%- set identifier = model['alias'] -%}
    {%- set grant_config = config.get('grants') -%}
    {%- set old_relation = adapter.get_relation(
        database=database, schema=schema, identifier=identifier) -%}
    {%- set target_relation = api.Relation.create(
        identifier=identifier, schema=schema, database=database, type='table') -%}

    {{ run_hooks(pre_hooks) }}

    {%- if old_relation is not none -%}
        {{ adapter.drop_relation(old_relation) }}
    {%- endif -%}

    {%- call statement('main') -%}
        {{ create_table_as(False, target_relation, compiled_code) }}
    {%- endcall -%}

    {%- set should_revoke = should_revoke(old_relation, full_refresh_mode=True) -%}
    {%- do apply_grants(target_relation, grant_config, should_revoke) -%}
    {%- do persist_docs(target_relation, model) -%}
    {%- do persist_constraints(target_relation, model) -%}

    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- Whether this adapter builds incremental models incrementally (Spark: no; see above). -#}
{% macro incremental_builds_supported() -%}
    {{ return(adapter.dispatch('incremental_builds_supported', 'funnelhouse')()) }}
{%- endmacro %}

{% macro default__incremental_builds_supported() -%}
    {{ return(true) }}
{%- endmacro %}

{% macro spark__incremental_builds_supported() -%}
    {{ return(false) }}
{%- endmacro %}
