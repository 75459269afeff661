{#- Per-variant sufficient statistics: the summable columns every stats mart shares. Use in a
    query grouped by (at least) metric_type. -#}
{% macro experiment_sufficient_statistics(
    metric='metric_value', denominator='denominator_value', covariate='covariate_value'
) -%}
    count(*) as users,
    sum({{ metric }}) as metric_sum,
    sum({{ metric }} * {{ metric }}) as metric_sum_squares,
    sum({{ denominator }}) as denominator_sum,
    sum({{ denominator }} * {{ denominator }}) as denominator_sum_squares,
    case when metric_type = 'ratio' then sum({{ metric }} * {{ denominator }}) end
        as metric_denominator_sum_product,
    sum({{ covariate }}) as covariate_sum,
    sum({{ covariate }} * {{ covariate }}) as covariate_sum_squares,
    sum({{ metric }} * {{ covariate }}) as metric_covariate_sum_product
{%- endmacro %}


{#- The sufficient statistics of `stats` (a left-joined relation, null when an arm has nobody)
    with zeros for empty arms; the ratio product and the covariate columns stay null where they
    do not apply (the spine relation says so through metric_type). -#}
{% macro experiment_zero_filled_statistics(stats, spine) -%}
    cast(coalesce({{ stats }}.users, 0) as bigint) as users,
    coalesce({{ stats }}.metric_sum, 0) as metric_sum,
    coalesce({{ stats }}.metric_sum_squares, 0) as metric_sum_squares,
    coalesce({{ stats }}.denominator_sum, 0) as denominator_sum,
    coalesce({{ stats }}.denominator_sum_squares, 0) as denominator_sum_squares,
    case when {{ spine }}.metric_type = 'ratio'
        then coalesce({{ stats }}.metric_denominator_sum_product, 0)
    end as metric_denominator_sum_product,
    case when {{ spine }}.metric_type <> 'ratio'
        then coalesce({{ stats }}.covariate_sum, 0)
    end as covariate_sum,
    case when {{ spine }}.metric_type <> 'ratio'
        then coalesce({{ stats }}.covariate_sum_squares, 0)
    end as covariate_sum_squares,
    case when {{ spine }}.metric_type <> 'ratio'
        then coalesce({{ stats }}.metric_covariate_sum_product, 0)
    end as metric_covariate_sum_product
{%- endmacro %}


{#- The names of the sufficient-statistics columns, for re-aggregation. -#}
{% macro experiment_statistics_columns() -%}
    {{ return([
        'users', 'metric_sum', 'metric_sum_squares', 'denominator_sum', 'denominator_sum_squares',
        'metric_denominator_sum_product', 'covariate_sum', 'covariate_sum_squares',
        'metric_covariate_sum_product',
    ]) }}
{%- endmacro %}


{#- True when a user with the given segment attributes is in the segment `name`=`value`
    (name null = everyone). Segments: user_type (new | returning), device, channel. -#}
{% macro experiment_in_segment(name, value, user_type, device, channel) -%}
    (
        {{ name }} is null
        or ({{ name }} = 'user_type' and {{ user_type }} = {{ value }})
        or ({{ name }} = 'device' and {{ device }} = {{ value }})
        or ({{ name }} = 'channel' and {{ channel }} = {{ value }})
    )
{%- endmacro %}


{#- The grain of every per-variant statistics table: experiment x variant x metric x segment. -#}
{% macro experiment_statistics_keys() -%}
    {{ return(['experiment_id', 'variant', 'metric_name', 'segment_name', 'segment_value']) }}
{%- endmacro %}
