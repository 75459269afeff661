{#- Text with leading and trailing white space removed: spaces, tabs, line breaks, vertical tabs
    and form feeds (DuckDB's one-argument trim() removes spaces only). -#}
{% macro trim_whitespace(expression) -%}
    trim({{ expression }}, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13))
{%- endmacro %}
