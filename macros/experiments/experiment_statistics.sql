{#- The sufficient-statistics contract, stated once: each summable column of the stats marts,
    the per-user values it sums (metric, denominator, covariate; none = count of users) and the
    metric types it applies to (null elsewhere: the ratio product for ratio metrics only, the
    covariate sums for binomial and mean metrics only). Python states it once too:
    funnelhouse.stats.sufficient.SUM_COLUMNS, checked equal by pytest. -#}
{% macro experiment_statistics_spec() -%}
    {{ return([
        {'name': 'users', 'factors': [], 'applies': 'all'},
        {'name': 'metric_sum', 'factors': ['metric'], 'applies': 'all'},
        {'name': 'metric_sum_squares', 'factors': ['metric', 'metric'], 'applies': 'all'},
        {'name': 'denominator_sum', 'factors': ['denominator'], 'applies': 'all'},
        {'name': 'denominator_sum_squares', 'factors': ['denominator', 'denominator'],
            'applies': 'all'},
        {'name': 'metric_denominator_sum_product', 'factors': ['metric', 'denominator'],
            'applies': 'ratio'},
        {'name': 'covariate_sum', 'factors': ['covariate'], 'applies': 'not_ratio'},
        {'name': 'covariate_sum_squares', 'factors': ['covariate', 'covariate'],
            'applies': 'not_ratio'},
        {'name': 'metric_covariate_sum_product', 'factors': ['metric', 'covariate'],
            'applies': 'not_ratio'},
    ]) }}
{%- endmacro %}


{#- `expression` where the column applies to the metric type in `metric_type`, else null. -#}
{% macro experiment_statistic_for_type(column, expression, metric_type) -%}
    {%- if column.applies == 'ratio' -%}
        case when {{ metric_type }} = 'ratio' then {{ expression }} end
    {%- elif column.applies == 'not_ratio' -%}
        case when {{ metric_type }} <> 'ratio' then {{ expression }} end
    {%- else -%}
        {{ expression }}
    {%- endif -%}
{%- endmacro %}


{#- Per-variant sufficient statistics: the summable columns every stats mart shares. Use in a
    query grouped by (at least) metric_type. -#}
{% macro experiment_sufficient_statistics(
    metric='metric_value', denominator='denominator_value', covariate='covariate_value'
) -%}
    {%- set values = {'metric': metric, 'denominator': denominator, 'covariate': covariate} -%}
    {%- for column in experiment_statistics_spec() %}
        {%- if column.factors -%}
            {%- set parts = [] -%}
            {%- for factor in column.factors -%}{%- do parts.append(values[factor]) -%}{%- endfor -%}
            {%- set expression = 'sum(' ~ (parts | join(' * ')) ~ ')' -%}
        {%- else -%}
            {%- set expression = 'count(*)' -%}
        {%- endif %}
    {{ experiment_statistic_for_type(column, expression, 'metric_type') }}
        as {{ column.name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- The sufficient statistics of `stats` (a left-joined relation, null when an arm has nobody)
    with zeros for empty arms; the ratio product and the covariate columns stay null where they
    do not apply (the spine relation says so through metric_type). -#}
{% macro experiment_zero_filled_statistics(stats, spine) -%}
    {%- for column in experiment_statistics_spec() %}
        {%- set filled = 'coalesce(' ~ stats ~ '.' ~ column.name ~ ', 0)' -%}
        {%- if column.name == 'users' -%}{%- set filled = 'cast(' ~ filled ~ ' as bigint)' -%}{%- endif %}
    {{ experiment_statistic_for_type(column, filled, spine ~ '.metric_type') }}
        as {{ column.name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- The names of the sufficient-statistics columns, for re-aggregation. -#}
{% macro experiment_statistics_columns() -%}
    {{ return(experiment_statistics_spec() | map(attribute='name') | list) }}
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


{#- The segments the experiment statistics are broken down by, besides 'all' (var
    experiment_segments): each a column of int_experiment_user_metrics. -#}
{% macro experiment_segments() -%}
    {{ return(var('experiment_segments')) }}
{%- endmacro %}


{#- One `select` per segment of experiment_segments() over `relation`, joined by union all:
    `columns`, then segment_name (the segment) and segment_value (the user's value of it). -#}
{% macro experiment_segment_rows(relation, columns, distinct=false) -%}
    {%- for segment in experiment_segments() %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select {{- ' distinct' if distinct }}
        {{ columns }},
        '{{ segment }}' as segment_name,
        {{ adapter.quote(segment) }} as segment_value
    from {{ relation }}
    {%- endfor %}
{%- endmacro %}


{#- The grain of every per-variant statistics table: experiment x variant x metric x segment. -#}
{% macro experiment_statistics_keys() -%}
    {{ return(['experiment_id', 'variant', 'metric_name', 'segment_name', 'segment_value']) }}
{%- endmacro %}
