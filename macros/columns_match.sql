{#- Join condition: `left`.c = `right`.c for every column c in `columns` (and-ed). -#}
{% macro columns_match(left, right, columns) -%}
    {%- for column in columns %}
    {{ 'and ' if not loop.first }}{{ left }}.{{ column }} = {{ right }}.{{ column }}
    {%- endfor %}
{%- endmacro %}
