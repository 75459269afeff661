-- Lifetime revenue per user by acquisition segment (first device, first channel), and revenue
-- per user while new vs returning (a user counts in both when they bought in both).
with

users as (
    select * from {{ ref('dim_users') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

by_acquisition as (
    {% for column in ['first_device', 'first_channel'] %}
        select
            '{{ column }}' as segment_type,
            {{ column }} as segment_value,
            count(*) as user_count,
            count(*) filter (where has_purchased) as purchasers,
            sum(lifetime_revenue) as revenue
        from users
        group by {{ column }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

by_user_type as (
    select
        'user_type' as segment_type,
        user_type as segment_value,
        count(distinct user_id) as user_count,
        count(distinct user_id) filter (where purchased) as purchasers,
        sum(revenue) as revenue
    from sessions
    group by user_type
),

segments as (
    select * from by_acquisition
    union all
    select * from by_user_type
),

final as (
    select
        segment_type,
        segment_value,
        user_count,
        purchasers,
        revenue,
        round(purchasers / user_count, 4) as purchaser_share,
        round(revenue / user_count, 2) as revenue_per_user,
        round(revenue / nullif(purchasers, 0), 2) as revenue_per_purchaser
    from segments
)

select * from final
order by segment_type asc, revenue_per_user desc
