{#- Per item bought at least once (int_order_items): its orders, those with at least one other
    item, and the cross-sell rate (their share). -#}
with

order_items as (
    select * from {{ ref('int_order_items') }}
),

order_sizes as (
    select
        order_key,
        count(*) as items_in_order
    from order_items
    group by order_key
),

final as (
    select
        order_items.item_id,
        cast(count(*) as bigint) as orders_with_item,
        cast(sum(case when order_sizes.items_in_order > 1 then 1 else 0 end) as bigint)
            as orders_with_other_items,
        -- the average of doubles: Spark's average of decimals keeps only 5 decimal places
        avg(cast(case when order_sizes.items_in_order > 1 then 1 else 0 end as double))
            as cross_sell_rate
    from order_items
    inner join order_sizes
        on order_items.order_key = order_sizes.order_key
    group by order_items.item_id
)

select * from final
