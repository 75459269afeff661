-- For every order and attribution model: the credited revenue adds up exactly to the order's
-- revenue, the credit parts to the order's parts and the credit to 1; and every order has
-- every model. Returns the orders and models that disagree.
with

orders as (
    select * from {{ ref('int_orders') }}
),

attribution_models as (
    select * from {{ ref('attribution_models') }}
),

attribution as (
    select * from {{ ref('fct_attribution') }}
),

credited as (
    select
        order_key,
        attribution_model,
        sum(credited_revenue) as credited_revenue,
        sum(credit_parts) as credit_parts,
        max(order_parts) as order_parts,
        min(order_parts) as min_order_parts,
        sum(credit) as credit
    from attribution
    group by order_key, attribution_model
),

expected as (
    select
        orders.order_key,
        orders.revenue,
        attribution_models.attribution_model
    from orders
    cross join attribution_models
)

select
    expected.order_key,
    expected.attribution_model,
    expected.revenue,
    credited.credited_revenue,
    credited.credit
from expected
left join credited
    on
        expected.order_key = credited.order_key
        and expected.attribution_model = credited.attribution_model
where
    credited.order_key is null
    or credited.credited_revenue != expected.revenue
    or credited.credit_parts != credited.order_parts
    or credited.min_order_parts != credited.order_parts
    or abs(credited.credit - 1) > 1e-9
