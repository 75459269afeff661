-- RFM segments: buyers, revenue and its share, orders per buyer, and how many of each
-- segment's buyers are at risk or churned (dim_user_churn_risk).
with

rfm as (
    select * from {{ ref('dim_user_rfm') }}
),

churn_risk as (
    select * from {{ ref('dim_user_churn_risk') }}
),

segments as (
    select
        rfm.segment_name,
        count(*) as buyers,
        sum(rfm.monetary) as revenue,
        avg(rfm.frequency) as orders_per_buyer,
        avg(rfm.recency_days) as average_recency_days,
        sum(case when churn_risk.churn_status = 'at_risk' then 1 else 0 end) as at_risk_buyers,
        sum(case when churn_risk.churn_status = 'churned' then 1 else 0 end) as churned_buyers
    from rfm
    inner join churn_risk
        on rfm.user_id = churn_risk.user_id
    group by rfm.segment_name
),

final as (
    select
        segment_name,
        buyers,
        revenue,
        round(revenue / sum(revenue) over (), 4) as revenue_share,
        round(revenue / buyers, 2) as revenue_per_buyer,
        round(orders_per_buyer, 2) as orders_per_buyer,
        round(average_recency_days, 1) as average_recency_days,
        at_risk_buyers,
        churned_buyers
    from segments
)

select * from final
order by revenue desc
