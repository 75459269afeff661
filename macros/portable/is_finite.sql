{#- True when a double is a number (not NaN, not infinite); null for null. -#}
{% macro is_finite(expression) -%}
    {{ return(adapter.dispatch('is_finite', 'funnelhouse')(expression)) }}
{%- endmacro %}

{% macro default__is_finite(expression) -%}
    not (isnan({{ expression }}) or isinf({{ expression }}))
{%- endmacro %}

{% macro spark__is_finite(expression) -%}
    not (isnan({{ expression }}) or abs({{ expression }}) = double('infinity'))
{%- endmacro %}
