{#- Data test: the column holds 'all' or a segment of var experiment_segments (the breakdowns
    of the experiment statistics). -#}
{% test is_experiment_segment(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} not in (
    'all'
    {%- for segment in experiment_segments() %}, '{{ segment }}'{% endfor %}
)

{% endtest %}
