{#- Data test: every combination of `columns` in the model exists as a combination of `fields`
    in `to` (a composite foreign key). Rows with a null in any of `columns` are not checked. -#}
{% test relationships_combination(model, columns, to, fields) %}

select
    {%- for column in columns %}
    child.{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ model }} as child
left join {{ to }} as parent
    on
    {%- for column in columns %}
        child.{{ column }} = parent.{{ fields[loop.index0] }}{{ ' and' if not loop.last }}
    {%- endfor %}
where
    parent.{{ fields[0] }} is null
    {%- for column in columns %}
    and child.{{ column }} is not null
    {%- endfor %}

{% endtest %}
