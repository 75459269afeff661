-- D1/D7/D14/D30 retention by weekly acquisition cohort (ISO week, Monday). A rate is over the
-- users whose day N is observable (retained_dN not null); eligible_dN says how many.
{%- set retention_days = [1, 7, 14, 30] %}
with

users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        acquisition_week,
        count(*) as user_count,
        {% for day in retention_days %}
            count(retained_d{{ day }}) as eligible_d{{ day }},
            round(avg(cast(retained_d{{ day }} as integer)), 4) as retention_d{{ day }},
        {% endfor %}
        round(avg(cast(has_purchased as integer)), 4) as purchaser_share
    from users
    group by acquisition_week
)

select * from final
order by acquisition_week
