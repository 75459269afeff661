{#- A 64-bit hash of a text id, stored next to the id so that a lookup of a few new ids among
    millions of loaded ones reads 8-byte numbers instead of the strings (DuckDB then filters the
    scan with a Bloom filter of the new hashes). Equal hashes are always confirmed on the id
    itself. The value depends on the engine's hash function, so the warehouse records the
    engine version and an incremental build after a version change stops and asks for
    --full-refresh (stg_clickstream__event_files). -#}
{% macro id_hash(expression) -%}
    {{ return(adapter.dispatch('id_hash', 'funnelhouse')(expression)) }}
{%- endmacro %}

{% macro default__id_hash(expression) -%}
    xxhash64({{ expression }})
{%- endmacro %}

{% macro duckdb__id_hash(expression) -%}
    hash({{ expression }})
{%- endmacro %}


{#- The engine and its version (recorded with the loaded files, see id_hash). -#}
{% macro engine_version() -%}
    {{ return(adapter.dispatch('engine_version', 'funnelhouse')()) }}
{%- endmacro %}

{% macro default__engine_version() -%}
    {{ return(adapter.type()) }}
{%- endmacro %}

{% macro duckdb__engine_version() -%}
    {%- if not execute -%}{{ return('duckdb') }}{%- endif -%}
    {{ return('duckdb ' ~ run_query('select version()').rows[0][0]) }}
{%- endmacro %}
