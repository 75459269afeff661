{#- Unit-test fixtures on Spark: a list value is written once, as DuckDB's list text
    ("[a, b]", "['2026-01-01 10:00:00', NULL]"), and this override of dbt-spark's safe_cast (the
    root project's macro is found first) turns such text into a Spark array of the column's
    element type: elements split at commas, trimmed, unquoted, NULL as null. Other values are
    cast as dbt-spark casts them. -#}
{% macro spark__safe_cast(field, type) -%}
    {%- set lowered = type | lower -%}
    {%- set text = field.strip() if field is string else '' -%}
    {%- if lowered.startswith('array<') and text.startswith("'[") and text.endswith("]'") -%}
        {%- set inner = text[2:-2].replace("\\'", "'").replace("''", "'").strip() -%}
        {%- set elements = [] -%}
        {%- for element in (inner.split(',') if inner else []) -%}
            {%- set element = element.strip() -%}
            {%- if element | upper == 'NULL' -%}
                {%- do elements.append('null') -%}
            {%- else -%}
                {%- do elements.append(sql_string(element.strip("'").strip('"'))) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set element_type = type[6:-1] -%}
        cast(array({{ elements | join(', ') if elements else '' }}) as array<{{ element_type }}>)
    {%- elif lowered.startswith(('array', 'struct', 'map')) and field is string -%}
        cast({{ field.strip('"').strip("'") }} as {{ type }})
    {%- else -%}
        cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}
