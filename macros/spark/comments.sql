{#- Column comments of Spark views (persist_docs): the Hive metastore keeps at most 256
    characters of a column comment (COLUMNS_V2.COMMENT) and retries a longer one for 20 s
    before failing, so a description is cut to 256 characters here; dbt-spark also left
    backslashes unescaped. Overrides dbt-spark's macro (the root project's is found first). -#}
{% macro get_column_comment_sql(column_name, column_dict) -%}
    {%- set description = column_dict[column_name]['description'] if column_name in column_dict
        else '' -%}
    {%- if description -%}
        {%- set description = description if description | length <= 256
            else description[:253] ~ '...' -%}
        {{ adapter.quote(column_name) }} comment {{ sql_string(description) }}
    {%- else -%}
        {{ adapter.quote(column_name) }}
    {%- endif -%}
{%- endmacro %}
