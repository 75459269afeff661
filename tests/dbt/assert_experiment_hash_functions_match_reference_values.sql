{#- The SQL assignment functions reproduce published reference values: the GrowthBook SDK's
    hash-v2 test vectors, FNV-1a 32-bit reference hashes, and md5 buckets computed with
    Python's hashlib. Returns the rows that differ. -#}
with

growthbook_vectors as (
    select vectors.* from (
        values
        ('seed', 'a', 0.0505),
        ('seed', 'b', 0.2696),
        ('foo', 'ab', 0.2575),
        ('foo', 'def', 0.2019),
        ('89123klj', '8952klfjas09ujkasdf', 0.124),
        ('90850943850283058242805', '123', 0.7516),
        ('()**(%$##$%#$#', '___)((*":&', 0.0128)
    ) as vectors (seed, user_id, expected)
),

fnv_vectors as (
    select vectors.* from (
        values
        ('', 2166136261),
        ('a', 3826002220),
        ('foobar', 3214735720)
    ) as vectors (input_text, expected)
),

md5_vectors as (
    -- Python: int(hashlib.md5(f'{salt}:{user_id}'.encode()).hexdigest()[:8], 16) % 10000
    select vectors.* from (
        values
        ('checkout_button_test', 'u0', 2026),  -- md5 prefix b74cc64a
        ('s', 'ünïcødé', 2604),  -- 7e4e062c (UTF-8 bytes)
        ('salt', '', 6122)  -- 99fd05ba
    ) as vectors (salt, user_id, expected)
),

failures as (
    select
        'growthbook ' || seed || ' / ' || user_id as test_vector,
        cast(expected as double) as expected,
        cast({{ experiment_bucket("'growthbook'", 'seed', 'user_id') }} as double)
        / 10000 as actual
    from growthbook_vectors
    union all
    select
        'fnv1a32 ' || input_text as test_vector,
        cast(expected as double) as expected,
        cast({{ fnv1a32("input_text") }} as double) as actual
    from fnv_vectors
    union all
    select
        'md5 ' || salt || ' / ' || user_id as test_vector,
        cast(expected as double) as expected,
        cast({{ experiment_bucket("'md5'", 'salt', 'user_id') }} as double) as actual
    from md5_vectors
)

select * from failures
where actual is distinct from expected
