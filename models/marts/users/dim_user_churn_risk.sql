{#- Churn risk per buyer: calendar days since the last order (to the last day of data) against
    a threshold: var('churn_threshold_days') when set, else the 90th percentile (linear
    interpolation) of the calendar days between consecutive orders of the same buyer, over
    all buyers (null when nobody ordered twice: then the status is unknown). churned when
    days_since_last_order > var('churn_multiple') (default 2) × threshold; at_risk when it
    is above the threshold but not churned; active otherwise. -#}
{%- set fixed_threshold = var('churn_threshold_days') -%}

with

buyers as (
    select * from {{ ref('int_users__order_summary') }}
),

orders as (
    select * from {{ ref('int_orders') }}
),

threshold as (
    select
        {% if fixed_threshold is none %}
            cast({{ percentile_cont('days_since_previous_order', 0.9) }} as double)
        {% else %}
            cast({{ fixed_threshold }} as double)
        {% endif %} as threshold_days,
        count(days_since_previous_order) as repeat_order_gaps
    from orders
),

statuses as (
    select
        buyers.user_id,
        buyers.orders,
        buyers.last_ordered_at,
        buyers.days_since_last_order,
        threshold.threshold_days,
        cast(threshold.repeat_order_gaps as bigint) as repeat_order_gaps,
        case
            when threshold.threshold_days is null then 'unknown'
            when
                buyers.days_since_last_order
                > {{ var('churn_multiple') }} * threshold.threshold_days
                then 'churned'
            when buyers.days_since_last_order > threshold.threshold_days then 'at_risk'
            else 'active'
        end as churn_status
    from buyers
    cross join threshold
),

final as (
    select
        user_id,
        orders,
        last_ordered_at,
        days_since_last_order,
        threshold_days,
        repeat_order_gaps,
        churn_status,
        case when churn_status != 'unknown' then churn_status = 'at_risk' end as is_at_risk,
        case when churn_status != 'unknown' then churn_status = 'churned' end as is_churned
    from statuses
)

select * from final
