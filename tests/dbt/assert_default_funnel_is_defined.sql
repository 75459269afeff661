-- var('default_funnel'), which the analyses report on, names a funnel of the funnel_steps
-- seed (otherwise they would silently return nothing). Returns the var when it does not.
select '{{ var("default_funnel") }}' as default_funnel
where not exists (
    select 1
    from {{ ref('funnel_steps') }}
    where funnel_name = '{{ var("default_funnel") }}'
)
