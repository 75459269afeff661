{#- A relation's column types as {lower-case name: type}, read from the database (empty while
    dbt parses). Staging models use it to parse a raw column by the type the file gave it. -#}
{% macro column_types(relation) -%}
    {%- set types = {} -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do types.update({column.name | lower: column.dtype}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(types) }}
{%- endmacro %}
