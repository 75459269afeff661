{#- The day offsets of dim_users' retention flags (retained_d1, retained_d7, ...): one list for
    the per-user activity (int_users__lifetime) and the mart. -#}
{% macro user_retention_days() -%}
    {{ return([1, 7, 14, 30]) }}
{%- endmacro %}
