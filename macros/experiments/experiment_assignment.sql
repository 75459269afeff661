{#- Salted-hash variant assignment: the public contract (README "Experiments"), identical bit for
    bit to scripts/funnelhouse/assignment.py.

    md5:        bucket = (first 8 hex digits of md5(salt || ':' || user_id)) mod 10000; in the
                experiment iff bucket < coverage * 10000.0; variant = first i (registry order)
                with bucket < ((coverage * 10000.0) * cumsum_i) / total, the sums folded left
                to right in IEEE double.
    growthbook: GrowthBook SDK hashing v2: n = (fnv1a32(str(fnv1a32(seed || user_id))) mod 10000)
                / 10000; variant = the i with c_i <= n < c_i + coverage * w_i / total, c_i the
                left-folded sum of w_0/total .. w_(i-1)/total; no range -> not in the experiment.

    Bytes: ASCII text (the usual user id) is split into characters, anything else goes through
    its UTF-8 hex (8x slower); the inner hash's decimal digits are always ASCII.

    The folds need list lambdas with two arguments, which sqlfluff cannot parse, so they live in
    DuckDB macros (fh_*) created once per dbt invocation by the on-run-start hook below; models
    call them only through the dispatched dbt macros experiment_bucket and
    experiment_variant_index. The fh_* functions stay in the warehouse file, so analysts can call
    them too (e.g. select fh_md5_bucket('my_salt', 'u123')). -#}

{% macro create_experiment_functions() -%}
    {{ return(adapter.dispatch('create_experiment_functions', 'funnelhouse')()) }}
{%- endmacro %}

{% macro default__create_experiment_functions() -%}
    select 1
{%- endmacro %}

{% macro duckdb__create_experiment_functions() -%}
create or replace macro fh_md5_bucket(salt, user_id) as
    cast(('0x' || left(md5(salt || ':' || user_id), 8))::ubigint % 10000 as integer);
create or replace macro fh_hash_uniform(key) as
    cast(('0x' || left(md5(key), 8))::ubigint as double) / 4294967296.0;
create or replace macro fh_utf8_bytes(s) as
    case
        when strlen(s) = length(s) and s <> ''
            then list_transform(string_split(s, ''), lambda x: cast(ascii(x) as bigint))
        else list_transform(regexp_extract_all(hex(encode(s)), '..'), lambda x: ('0x' || x)::bigint)
    end;
create or replace macro fh_fnv1a32_bytes(bytes) as
    list_reduce(
        bytes, lambda h, b: (xor(h, b) * 16777619) % 4294967296, cast(2166136261 as bigint)
    );
create or replace macro fh_fnv1a32(s) as fh_fnv1a32_bytes(fh_utf8_bytes(s));
create or replace macro fh_growthbook_bucket(seed, user_id) as
    cast(fh_fnv1a32_bytes(list_transform(
        string_split(cast(fh_fnv1a32(seed || user_id) as varchar), ''),
        lambda x: cast(ascii(x) as bigint)
    )) % 10000 as integer);
create or replace macro fh_left_sum(xs) as
    list_reduce(xs, lambda a, b: a + b, cast(0 as double));
create or replace macro fh_md5_thresholds(weights, coverage) as
    list_transform(
        range(1, len(weights) + 1),
        lambda i: ((cast(coverage as double) * cast(10000.0 as double))
            * fh_left_sum(weights[1:i])) / fh_left_sum(weights)
    );
create or replace macro fh_md5_variant_index(bucket, weights, coverage) as
    case when bucket < cast(coverage as double) * cast(10000.0 as double) then
        least(
            len(list_filter(fh_md5_thresholds(weights, coverage), lambda t: t <= bucket)),
            len(weights) - 1
        )
    end;
create or replace macro fh_growthbook_range_starts(weights) as
    list_transform(
        range(1, len(weights) + 1),
        lambda i: fh_left_sum(list_transform(weights[1:i - 1], lambda w: w / fh_left_sum(weights)))
    );
create or replace macro fh_growthbook_variant_index(n, weights, coverage) as
    list_position(
        list_transform(
            list_zip(fh_growthbook_range_starts(weights), weights),
            lambda r: n >= r[1] and n < r[1]
                + least(greatest(cast(coverage as double), 0.0), 1.0) * (r[2] / fh_left_sum(weights))
        ),
        true
    ) - 1;
{%- endmacro %}


{#- Bucket in [0, 10000) of user_id under the experiment's hash method (md5 | growthbook). -#}
{% macro experiment_bucket(hash_method, salt, user_id) -%}
    {{ return(adapter.dispatch('experiment_bucket', 'funnelhouse')(hash_method, salt, user_id)) }}
{%- endmacro %}

{% macro default__experiment_bucket(hash_method, salt, user_id) -%}
    {{ exceptions.raise_compiler_error("experiment_bucket is implemented for DuckDB only") }}
{%- endmacro %}

{% macro duckdb__experiment_bucket(hash_method, salt, user_id) -%}
    case {{ hash_method }}
        when 'md5' then fh_md5_bucket({{ salt }}, {{ user_id }})
        when 'growthbook' then fh_growthbook_bucket({{ salt }}, {{ user_id }})
    end
{%- endmacro %}


{#- 0-based variant index (registry order) for a bucket from experiment_bucket, or null when the
    user is not in the experiment. weights: a double[] in variant_index order. -#}
{% macro experiment_variant_index(hash_method, bucket, weights, coverage) -%}
    {{ return(adapter.dispatch('experiment_variant_index', 'funnelhouse')(
        hash_method, bucket, weights, coverage)) }}
{%- endmacro %}

{% macro default__experiment_variant_index(hash_method, bucket, weights, coverage) -%}
    {{ exceptions.raise_compiler_error("experiment_variant_index is implemented for DuckDB only") }}
{%- endmacro %}

{% macro duckdb__experiment_variant_index(hash_method, bucket, weights, coverage) -%}
    case {{ hash_method }}
        when 'md5' then fh_md5_variant_index({{ bucket }}, {{ weights }}, {{ coverage }})
        when 'growthbook' then fh_growthbook_variant_index(
            cast({{ bucket }} as double) / 10000.0, {{ weights }}, {{ coverage }}
        )
    end
{%- endmacro %}


{#- A reproducible uniform number in [0, 1) from a text key: first 8 hex digits of md5 / 2^32. -#}
{% macro hash_uniform(key) -%}
    fh_hash_uniform({{ key }})
{%- endmacro %}
