{#- Seeds on Spark: dbt-spark's session connection substitutes seed values into the insert
    statement as '<value>' without escaping, so a text with an apostrophe breaks the statement
    and an empty cell becomes the text 'None'. This override (the root project's macro is found
    before dbt-spark's) writes every value as a typed literal instead. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(
            col_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set rows = [] -%}
        {%- for row in chunk -%}
            {%- set values = [] -%}
            {%- for value in row -%}
                {%- do values.append('cast(' ~ spark_seed_literal(value) ~ ' as '
                    ~ types[loop.index0] ~ ')') -%}
            {%- endfor -%}
            {%- do rows.append('(' ~ (values | join(', ')) ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values ' ~ (rows | join(', ')) -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}


{#- A seed cell as a Spark literal: null, true/false, a number, a timestamp or a text. -#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        {{ return('null') }}
    {%- elif value is sameas true or value is sameas false -%}
        {{ return('true' if value else 'false') }}
    {%- elif value is number -%}
        {{ return(value | string) }}
    {%- elif value.strftime is defined -%}
        {{ return(sql_string(value.strftime('%Y-%m-%d %H:%M:%S.%f'))) }}
    {%- else -%}
        {{ return(sql_string(value)) }}
    {%- endif -%}
{%- endmacro %}
