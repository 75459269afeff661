{#- The continuous (linearly interpolated) percentile of `expression` as an aggregate, the
    definition of numpy's default quantile. -#}
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'funnelhouse')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro duckdb__percentile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}


{#- The discrete percentile of a timestamp column as an aggregate: the value at position
    floor((n - 1) * fraction) of the sorted values (0-based; for 0.5 the lower median). Spark's
    percentile_disc takes numbers, so it sorts the timestamps' microseconds; for fraction 0.5
    its rule (the first value whose cumulative share reaches the fraction) picks the same
    position. -#}
{% macro percentile_disc_timestamp(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_disc_timestamp', 'funnelhouse')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_disc_timestamp(expression, fraction) -%}
    quantile_disc({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro spark__percentile_disc_timestamp(expression, fraction) -%}
    timestamp_micros(cast(
        percentile_disc({{ fraction }}) within group (order by unix_micros({{ expression }}))
        as bigint
    ))
{%- endmacro %}
