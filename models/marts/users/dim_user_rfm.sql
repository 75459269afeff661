{#- RFM per buyer (a user with an order): recency = calendar days from the last order to the
    last day of data, frequency = orders, monetary = revenue. Each is scored 1-5 by ntile(5)
    over all buyers, ordered so that 5 is best (most recent, most orders, most revenue) and
    ties broken by user_id; buyers with equal values then share the lowest score any of them
    got, so a score never separates equal values. The segment comes from the (recency score,
    frequency score) map in seeds/rfm_segments.csv. -#}
with

buyers as (
    select * from {{ ref('int_users__order_summary') }}
),

rfm_segments as (
    select * from {{ ref('rfm_segments') }}
),

ntiles as (
    select
        *,
        ntile(5) over (order by days_since_last_order desc, user_id asc) as recency_ntile,
        ntile(5) over (order by orders asc, user_id asc) as frequency_ntile,
        ntile(5) over (order by revenue asc, user_id asc) as monetary_ntile
    from buyers
),

scores as (
    select
        *,
        min(recency_ntile) over (partition by days_since_last_order) as recency_score,
        min(frequency_ntile) over (partition by orders) as frequency_score,
        min(monetary_ntile) over (partition by revenue) as monetary_score
    from ntiles
),

final as (
    select
        scores.user_id,
        scores.days_since_last_order as recency_days,
        scores.orders as frequency,
        scores.revenue as monetary,
        scores.last_ordered_at,
        cast(scores.recency_score as integer) as recency_score,
        cast(scores.frequency_score as integer) as frequency_score,
        cast(scores.monetary_score as integer) as monetary_score,
        cast(
            scores.recency_score * 100 + scores.frequency_score * 10 + scores.monetary_score
            as integer
        ) as rfm_score,
        rfm_segments.segment_name
    from scores
    inner join rfm_segments
        on
            scores.recency_score between rfm_segments.recency_score_min
            and rfm_segments.recency_score_max
            and scores.frequency_score between rfm_segments.frequency_score_min
            and rfm_segments.frequency_score_max
)

select * from final
