-- Items most often bought with something else, each with its strongest partner (highest lift
-- among the pairs in fct_market_basket, i.e. bought together in >= basket_min_orders orders;
-- null when no pair reaches that).
with

cross_sell as (
    select * from {{ ref('fct_item_cross_sell') }}
),

basket as (
    select * from {{ ref('fct_market_basket') }}
),

best_pairs as (
    select
        item_id,
        paired_item_id,
        orders_with_pair,
        confidence,
        lift,
        row_number() over (
            partition by item_id order by lift desc, orders_with_pair desc, paired_item_id asc
        ) as pair_rank
    from basket
),

final as (
    select
        cross_sell.item_id,
        cross_sell.orders_with_item,
        cross_sell.orders_with_other_items,
        round(cross_sell.cross_sell_rate, 4) as cross_sell_rate,
        best_pairs.paired_item_id as best_paired_item_id,
        best_pairs.orders_with_pair,
        round(best_pairs.confidence, 4) as confidence,
        round(best_pairs.lift, 2) as lift
    from cross_sell
    left join best_pairs
        on cross_sell.item_id = best_pairs.item_id and best_pairs.pair_rank = 1
    where cross_sell.orders_with_other_items > 0
)

select * from final
order by orders_with_other_items desc, cross_sell_rate desc, item_id asc
limit 50
