-- Where the default funnel (var default_funnel) leaks most, and for whom: the transitions
-- ranked by drop-off rate overall, then for each transition the three segments losing the
-- most sessions beyond the overall rate (fct_funnel_drop_offs.excess_drop_offs).
with

drop_offs as (
    select * from {{ ref('fct_funnel_drop_offs') }}
    where funnel_name = '{{ var("default_funnel") }}'
),

overall as (
    select
        step_number,
        step_rank
    from drop_offs
    where segment_type = 'overall'
),

final as (
    select
        overall.step_rank,
        drop_offs.previous_step_name || ' → ' || drop_offs.step_name as transition,
        drop_offs.segment_type,
        drop_offs.segment_value,
        drop_offs.segment_rank,
        drop_offs.previous_step_entries,
        drop_offs.drop_offs,
        round(drop_offs.drop_off_rate, 4) as drop_off_rate,
        round(drop_offs.overall_drop_off_rate, 4) as overall_drop_off_rate,
        round(drop_offs.excess_drop_offs, 1) as excess_drop_offs
    from drop_offs
    inner join overall
        on drop_offs.step_number = overall.step_number
    where drop_offs.segment_type = 'overall' or drop_offs.segment_rank <= 3
)

select * from final
order by step_rank asc, segment_type = 'overall' desc, excess_drop_offs desc
