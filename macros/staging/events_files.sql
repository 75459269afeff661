{#- The files behind var('events_path'), and what the load manifest records about each.

    events_path is one file, a folder (every *.parquet, *.csv, *.tsv, *.csv.gz and *.tsv.gz file
    under it, at any depth) or a glob ('events/*.parquet', 'events/date=*/part-0.csv'). Names
    starting with '.' or '_' (temporary and marker files such as _SUCCESS) are skipped. Files
    are loaded in name order, so daily files are named to sort by day (2026-01-01.parquet).

    The engine-specific parts (listing, size and modification time, content fingerprint) are
    dispatched macros; the DuckDB ones read the file system through glob() and read_blob(). -#}

{% macro events_file_suffixes() -%}
    {{ return(['.parquet', '.csv', '.tsv', '.csv.gz', '.tsv.gz']) }}
{%- endmacro %}


{#- The sorted list of event files for path (var events_path by default); [] while parsing.
    Stops the build with a clear error when nothing matches. -#}
{% macro events_files(path=none) -%}
    {%- set path = path if path is not none else var('events_path') -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set path = path | string | trim -%}
    {%- set is_glob = ('*' in path) or ('?' in path) or ('[' in path) -%}
    {%- if is_glob -%}
        {%- set patterns = [path] -%}
    {%- elif list_files_matching([path]) -%}
        {%- set patterns = [path] -%}
    {%- else -%}
        {%- set folder = path.rstrip('/') -%}
        {%- set patterns = [] -%}
        {%- for suffix in events_file_suffixes() -%}
            {%- do patterns.append(folder ~ '/**/*' ~ suffix) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set files = [] -%}
    {%- for file in list_files_matching(patterns) -%}
        {%- set name = file.split('/')[-1] -%}
        {%- if file == path or not (name.startswith('.') or name.startswith('_')) -%}
            {%- do files.append(file) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not files -%}
        {{ exceptions.raise_compiler_error(
            "events_path '" ~ path ~ "' (var events_path, env var EVENTS_PATH) matches no "
            ~ "events file: give a Parquet or CSV file, a folder holding such files, or a glob.") }}
    {%- endif -%}
    {{ return(files | sort) }}
{%- endmacro %}


{#- The files matching any of the glob patterns, sorted and without repeats. -#}
{% macro list_files_matching(patterns) -%}
    {{ return(adapter.dispatch('list_files_matching', 'funnelhouse')(patterns)) }}
{%- endmacro %}

{% macro duckdb__list_files_matching(patterns) -%}
    {%- set queries = [] -%}
    {%- for pattern in patterns -%}
        {%- do queries.append('select file from glob(' ~ sql_string(pattern) ~ ')') -%}
    {%- endfor -%}
    {%- set result = run_query(queries | join(' union ') ~ ' order by file') -%}
    {{ return(result.columns[0].values() | list) }}
{%- endmacro %}


{#- {file: {'file_size': bytes, 'modified_at': 'YYYY-MM-DD HH:MM:SS...'}} without reading the
    files' content. -#}
{% macro events_file_stats(files) -%}
    {{ return(adapter.dispatch('events_file_stats', 'funnelhouse')(files)) }}
{%- endmacro %}

{% macro duckdb__events_file_stats(files) -%}
    {%- set stats = {} -%}
    {%- if files -%}
        {%- set result = run_query(
            'select filename, size, cast(timezone(\'UTC\', last_modified) as varchar) as modified_at'
            ~ ' from read_blob(' ~ sql_string_list(files) ~ ')') -%}
        {%- for row in result.rows -%}
            {%- do stats.update({row[0]: {'file_size': row[1], 'modified_at': row[2]}}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(stats) }}
{%- endmacro %}


{#- {file: md5 of the file's bytes}: the fingerprint a loaded file is recognised by. -#}
{% macro events_file_fingerprints(files) -%}
    {{ return(adapter.dispatch('events_file_fingerprints', 'funnelhouse')(files)) }}
{%- endmacro %}

{% macro duckdb__events_file_fingerprints(files) -%}
    {%- set fingerprints = {} -%}
    {%- for file in files -%}
        {#- one file per query: read_blob holds a file's bytes in memory while hashing it -#}
        {%- set result = run_query(
            'select md5(content) from read_blob(' ~ sql_string(file) ~ ')') -%}
        {%- do fingerprints.update({file: result.rows[0][0]}) -%}
    {%- endfor -%}
    {{ return(fingerprints) }}
{%- endmacro %}


{#- A SQL list literal of strings: ['a', 'b']. -#}
{% macro sql_string_list(values) -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- do quoted.append(sql_string(value)) -%}
    {%- endfor -%}
    {{ return('[' ~ (quoted | join(', ')) ~ ']') }}
{%- endmacro %}


{#- Spark: the file system through the binaryFile source (macros/portable/file_listing.sql);
    paths as absolute local paths (Spark's file: URIs without the scheme), modification times
    to whole seconds as DuckDB gives them. -#}
{% macro spark__list_files_matching(patterns) -%}
    {%- set queries = [] -%}
    {%- for pattern in patterns -%}
        {%- if '/**/' in pattern -%}
            {%- set folder, name = pattern.split('/**/', 1) -%}
            {%- set listing = spark_recursive_file_listing(folder, name) -%}
        {%- else -%}
            {%- set listing = spark_file_listing(pattern) -%}
        {%- endif -%}
        {%- do queries.append("select regexp_replace(path, '^file:', '') as file from " ~ listing) -%}
    {%- endfor -%}
    {%- set result = run_query(queries | join(' union ') ~ ' order by file') -%}
    {{ return(result.columns[0].values() | list) }}
{%- endmacro %}

{% macro spark__events_file_stats(files) -%}
    {%- set stats = {} -%}
    {%- for file in files -%}
        {%- set result = run_query(
            "select length, cast(date_trunc('second', modificationTime) as string) from "
            ~ spark_file_listing(file)) -%}
        {%- do stats.update({file: {'file_size': result.rows[0][0], 'modified_at': result.rows[0][1]}}) -%}
    {%- endfor -%}
    {{ return(stats) }}
{%- endmacro %}

{% macro spark__events_file_fingerprints(files) -%}
    {%- set fingerprints = {} -%}
    {%- for file in files -%}
        {%- set result = run_query('select md5(content) from binaryFile.`' ~ file ~ '`') -%}
        {%- do fingerprints.update({file: result.rows[0][0]}) -%}
    {%- endfor -%}
    {{ return(fingerprints) }}
{%- endmacro %}
