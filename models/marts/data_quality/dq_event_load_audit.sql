{#- How every raw row of the events file ended up: one row per outcome and reason, with how many
    of those rows had their revenue rounded to cents or dropped (not a purchase). -#}
with

validated_events as (
    select * from {{ ref('stg_clickstream__validated_events') }}
),

final as (
    select
        load_outcome,
        coalesce(load_reason, 'ok') as load_reason,
        count(*) as row_count,
        cast(count(*) as double) / sum(count(*)) over () as row_share,
        count(*) filter (
            where revenue_adjustment = 'rounded_to_cents'
        ) as revenue_rounded_rows,
        count(*) filter (
            where revenue_adjustment = 'dropped_not_purchase'
        ) as revenue_dropped_rows
    from validated_events
    group by load_outcome, load_reason
)

select * from final
