{#- Salted-hash variant assignment: the public contract (docs/experiments.md, "Assignment: the exact contract"), identical bit for
    bit to scripts/funnelhouse/assignment.py, on every engine.

    md5:        bucket = (first 8 hex digits of md5(salt || ':' || user_id)) mod 10000; in the
                experiment iff bucket < coverage * 10000.0; variant = first i (registry order)
                with bucket < ((coverage * 10000.0) * cumsum_i) / total, the sums folded left
                to right in IEEE double.
    growthbook: GrowthBook SDK hashing v2: n = (fnv1a32(str(fnv1a32(seed || user_id))) mod 10000)
                / 10000; variant = the i with c_i <= n < c_i + coverage * w_i / total, c_i the
                left-folded sum of w_0/total .. w_(i-1)/total; no range -> not in the experiment.

    DuckDB: ASCII text (the usual user id) is split into characters, anything else goes through
    its UTF-8 hex (8x slower); the inner hash's decimal digits are always ASCII. The folds need
    list lambdas with two arguments, which sqlfluff cannot parse, so they live in DuckDB macros
    (fh_*) created once per dbt invocation by the on-run-start hook below; models call them only
    through the dispatched dbt macros experiment_bucket, experiment_variant_index, fnv1a32 and
    hash_uniform. The fh_* functions stay in the warehouse file, so analysts can call them too
    (e.g. select fh_md5_bucket('my_salt', 'u123')).

    Spark: the same folds with Spark's higher-order functions (aggregate, transform, filter),
    inlined by the spark__ macros: a Spark SQL function cannot apply a lambda to its arguments
    (UNSUPPORTED_FEATURE.LAMBDA_FUNCTION_WITH_SQL_UDF), so only the two lambda-free functions,
    fh_md5_bucket and fh_hash_uniform, are created for analysts (in the target schema). -#}

{% macro create_experiment_functions() -%}
    {{ return(adapter.dispatch('create_experiment_functions', 'funnelhouse')()) }}
{%- endmacro %}

{% macro default__create_experiment_functions() -%}
    select 1
{%- endmacro %}

{#- The statements run here (a hook is one statement on Spark). -#}
{% macro spark__create_experiment_functions() -%}
    {%- if execute -%}
        {%- do run_query(
            'create or replace function ' ~ target.schema ~ '.fh_md5_bucket(salt string, '
            ~ 'user_id string) returns int return '
            ~ spark__md5_bucket('salt', 'user_id')) -%}
        {%- do run_query(
            'create or replace function ' ~ target.schema ~ '.fh_hash_uniform(key string) '
            ~ 'returns double return ' ~ spark__hash_uniform('key')) -%}
    {%- endif -%}
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
    {{ exceptions.raise_compiler_error(
        "experiment_bucket is implemented for DuckDB and Spark, not " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__experiment_bucket(hash_method, salt, user_id) -%}
    case {{ hash_method }}
        when 'md5' then fh_md5_bucket({{ salt }}, {{ user_id }})
        when 'growthbook' then fh_growthbook_bucket({{ salt }}, {{ user_id }})
    end
{%- endmacro %}

{% macro spark__experiment_bucket(hash_method, salt, user_id) -%}
    case {{ hash_method }}
        when 'md5' then {{ spark__md5_bucket(salt, user_id) }}
        when 'growthbook' then cast(
            {{ spark__fnv1a32('cast(' ~ spark__fnv1a32(salt ~ ' || ' ~ user_id) ~ ' as string)') }}
            % 10000 as int)
    end
{%- endmacro %}


{% macro spark__md5_bucket(salt, user_id) -%}
    cast({{ spark__md5_prefix_integer(salt ~ " || ':' || " ~ user_id) }} % 10000 as int)
{%- endmacro %}


{#- The first 8 hex digits of md5(text) as an integer in [0, 2^32). -#}
{% macro spark__md5_prefix_integer(text) -%}
    cast(conv(substr(md5({{ text }}), 1, 8), 16, 10) as bigint)
{%- endmacro %}


{#- FNV-1a 32-bit of a text's UTF-8 bytes (a bigint in [0, 2^32)). -#}
{% macro fnv1a32(text) -%}
    {{ return(adapter.dispatch('fnv1a32', 'funnelhouse')(text)) }}
{%- endmacro %}

{% macro duckdb__fnv1a32(text) -%}
    fh_fnv1a32({{ text }})
{%- endmacro %}

{#- The bytes are the text's UTF-8 hex cut into pairs (split after every second character, which
    leaves one empty piece at the end). -#}
{% macro spark__fnv1a32(text) -%}
    aggregate(
        filter(split(hex(encode({{ text }}, 'UTF-8')), '(?<=\\G..)'), byte_hex -> byte_hex <> ''),
        cast(2166136261 as bigint),
        (fnv_hash, byte_hex) -> ((fnv_hash ^ cast(conv(byte_hex, 16, 10) as bigint)) * 16777619)
            % 4294967296
    )
{%- endmacro %}


{#- 0-based variant index (registry order) for a bucket from experiment_bucket, or null when the
    user is not in the experiment. weights: a double[] in variant_index order. -#}
{% macro experiment_variant_index(hash_method, bucket, weights, coverage) -%}
    {{ return(adapter.dispatch('experiment_variant_index', 'funnelhouse')(
        hash_method, bucket, weights, coverage)) }}
{%- endmacro %}

{% macro default__experiment_variant_index(hash_method, bucket, weights, coverage) -%}
    {{ exceptions.raise_compiler_error(
        "experiment_variant_index is implemented for DuckDB and Spark, not " ~ adapter.type()) }}
{%- endmacro %}

{% macro spark__experiment_variant_index(hash_method, bucket, weights, coverage) -%}
    {%- set total = 'aggregate(' ~ weights ~ ', cast(0 as double), (sum_, w_) -> sum_ + w_)' -%}
    {%- set scaled_coverage = '(cast(' ~ coverage ~ ' as double) * cast(10000.0 as double))' -%}
    {%- set n = '(cast(' ~ bucket ~ ' as double) / 10000.0)' -%}
    case {{ hash_method }}
        when 'md5' then case when {{ bucket }} < {{ scaled_coverage }} then
            least(
                size(filter(
                    transform(
                        sequence(1, size({{ weights }})),
                        i_ -> ({{ scaled_coverage }} * aggregate(
                            slice({{ weights }}, 1, i_), cast(0 as double), (sum_, w_) -> sum_ + w_
                        )) / {{ total }}
                    ),
                    threshold_ -> threshold_ <= {{ bucket }}
                )),
                size({{ weights }}) - 1
            )
        end
        when 'growthbook' then nullif(array_position(
            transform(
                sequence(1, size({{ weights }})),
                i_ -> {{ n }} >= aggregate(
                    transform(slice({{ weights }}, 1, i_ - 1), w_ -> w_ / {{ total }}),
                    cast(0 as double), (sum_, x_) -> sum_ + x_
                ) and {{ n }} < aggregate(
                    transform(slice({{ weights }}, 1, i_ - 1), w_ -> w_ / {{ total }}),
                    cast(0 as double), (sum_, x_) -> sum_ + x_
                ) + least(greatest(cast({{ coverage }} as double), 0.0), 1.0)
                    * (element_at({{ weights }}, i_) / {{ total }})
            ),
            true
        ), 0) - 1
    end
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
    {{ return(adapter.dispatch('hash_uniform', 'funnelhouse')(key)) }}
{%- endmacro %}

{% macro duckdb__hash_uniform(key) -%}
    fh_hash_uniform({{ key }})
{%- endmacro %}

{% macro spark__hash_uniform(key) -%}
    cast({{ spark__md5_prefix_integer(key) }} as double) / 4294967296.0
{%- endmacro %}
