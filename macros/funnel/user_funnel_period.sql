{#- The period of the user-level funnel (var user_funnel_period: day, week or month; weeks are
    ISO weeks starting on Monday). A user's steps chain in order across sessions inside one
    period, never across periods. -#}
{% macro user_funnel_period() -%}
    {%- set period = var('user_funnel_period', 'week') | string | lower | trim -%}
    {%- if period not in ['day', 'week', 'month'] -%}
        {{ exceptions.raise_compiler_error(
            "var user_funnel_period must be day, week or month (got '" ~ period ~ "')"
        ) }}
    {%- endif -%}
    {{ return(period) }}
{%- endmacro %}
