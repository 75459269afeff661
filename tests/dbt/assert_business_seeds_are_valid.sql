-- The RFM segment map covers each of the 25 (recency score, frequency score) cells exactly
-- once, and every attribution model has whole, non-negative parts with some credit for a
-- single touchpoint (first_parts + last_parts > 0). Returns one row per problem.
with

rfm_segments as (
    select * from {{ ref('rfm_segments') }}
),

attribution_models as (
    select * from {{ ref('attribution_models') }}
),

scores as (
    {{ series_rows('(select 1 as one) as scores_source', 1, 5, 'score') }}
),

cells as (
    select
        recency.score as recency_score,
        frequency.score as frequency_score
    from scores as recency
    cross join scores as frequency
),

cell_coverage as (
    select
        cells.recency_score,
        cells.frequency_score,
        count(rfm_segments.segment_name) as segments
    from cells
    left join rfm_segments
        on
            cells.recency_score between rfm_segments.recency_score_min
            and rfm_segments.recency_score_max
            and cells.frequency_score between rfm_segments.frequency_score_min
            and rfm_segments.frequency_score_max
    group by cells.recency_score, cells.frequency_score
),

problems as (
    select
        'rfm cell R' || cast(recency_score as string) || ' F' || cast(frequency_score as string)
        || ' is covered ' || cast(segments as string) || ' times' as problem
    from cell_coverage
    where segments != 1
    union all
    select 'rfm row of ' || segment_name || ' has a score outside 1-5 or min > max' as problem
    from rfm_segments
    where
        recency_score_min < 1 or recency_score_max > 5 or recency_score_min > recency_score_max
        or frequency_score_min < 1 or frequency_score_max > 5
        or frequency_score_min > frequency_score_max
    union all
    select 'attribution model ' || attribution_model || ' has invalid parts' as problem
    from attribution_models
    where
        first_parts < 0 or middle_parts < 0 or last_parts < 0
        or first_parts + last_parts <= 0
        or first_parts != floor(first_parts) or middle_parts != floor(middle_parts)
        or last_parts != floor(last_parts)
)

select * from problems
