{#- Unix milliseconds as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'. -#}
{% macro unix_ms_as_utc_text(unix_ms) -%}
    {{ return(adapter.dispatch('unix_ms_as_utc_text', 'funnelhouse')(unix_ms)) }}
{%- endmacro %}

{% macro default__unix_ms_as_utc_text(unix_ms) -%}
    strftime(epoch_ms({{ unix_ms }}), '%Y-%m-%d %H:%M:%S.%f')
{%- endmacro %}

{% macro spark__unix_ms_as_utc_text(unix_ms) -%}
    date_format(timestamp_millis({{ unix_ms }}), 'yyyy-MM-dd HH:mm:ss.SSSSSS')
{%- endmacro %}
