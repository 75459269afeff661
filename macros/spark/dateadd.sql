{#- dbt.dateadd on Spark: dbt-spark's goes through whole Unix seconds, which drops the
    microseconds of a timestamp and turns a microsecond step into 0. This override (the root
    project's macro is found before dbt-spark's) uses timestampadd, exact to the microsecond. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}
