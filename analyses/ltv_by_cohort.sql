-- The LTV curve per monthly acquisition cohort: cumulative revenue per acquired user and the
-- share who have bought, by months since acquisition (one column per month, 0-5).
{%- set months = range(6) %}
with

ltv as (
    select * from {{ ref('fct_cohort_ltv') }}
),

final as (
    select
        acquisition_month,
        max(cohort_size) as cohort_size,
        {% for month in months %}
            round(
                max(
                    case
                        when months_since_acquisition = {{ month }}
                            then cumulative_revenue_per_user
                    end
                ),
                2
            ) as ltv_m{{ month }},
        {% endfor %}
        round(max(cumulative_buyer_share), 4) as buyer_share_to_date
    from ltv
    group by acquisition_month
)

select * from final
order by acquisition_month
