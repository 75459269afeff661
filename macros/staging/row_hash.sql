{#- A deterministic md5 over several expressions; nulls are distinguished from empty text. -#}
{% macro row_hash(expressions) -%}
    md5(concat_ws(chr(31),
        {%- for expression in expressions %}
        coalesce(cast({{ expression }} as string), chr(0)){{ ',' if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}
