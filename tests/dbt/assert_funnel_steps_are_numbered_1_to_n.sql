-- Every funnel's steps are numbered 1, 2, …, n without gaps or repeats: the in-order funnel
-- walks from step k−1 to step k, so a gap would silently end the funnel early.
select
    funnel_name,
    count(*) as steps,
    count(distinct step_number) as distinct_step_numbers,
    min(step_number) as first_step_number,
    max(step_number) as last_step_number
from {{ ref('funnel_steps') }}
group by funnel_name
having
    min(step_number) != 1
    or max(step_number) != count(*)
    or count(distinct step_number) != count(*)
