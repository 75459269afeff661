{#- How every raw row of the events file ended up: one row per outcome and reason. -#}
with

validated_events as (
    select * from {{ ref('stg_clickstream__validated_events') }}
),

final as (
    select
        load_outcome,
        coalesce(load_reason, 'ok') as load_reason,
        count(*) as row_count,
        cast(count(*) as double) / sum(count(*)) over () as row_share
    from validated_events
    group by load_outcome, load_reason
)

select * from final
