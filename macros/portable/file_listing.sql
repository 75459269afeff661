{#- The files behind a path (a file, or a glob in its last part), without reading them. -#}


{#- True when a file (or glob) exists; false while dbt is only parsing. -#}
{% macro file_exists(path) -%}
    {%- if not execute -%}{{ return(false) }}{%- endif -%}
    {{ return(adapter.dispatch('file_exists', 'funnelhouse')(path)) }}
{%- endmacro %}

{% macro default__file_exists(path) -%}
    {%- set result = run_query('select count(*) as files from glob(' ~ sql_string(path) ~ ')') -%}
    {{ return(result.rows[0][0] > 0) }}
{%- endmacro %}

{% macro spark__file_exists(path) -%}
    {%- set result = run_query('select count(*) from ' ~ spark_file_listing(path)) -%}
    {{ return(result.rows[0][0] > 0) }}
{%- endmacro %}


{#- A one-row query: how many files match `path` (a file, a glob; on DuckDB also a list of files), their total size in bytes and the latest
    modification time (UTC, whole seconds as DuckDB gives them); 0 files when `exists` is false (DuckDB's read_blob
    fails on a missing file). -#}
{% macro file_identity(path, exists=true) -%}
    {%- if not exists -%}
    select 0 as files, cast(null as bigint) as bytes, cast(null as timestamp) as modified_at
    {%- else -%}
    {{ adapter.dispatch('file_identity', 'funnelhouse')(path) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__file_identity(path) -%}
    select
        count(*) as files,
        sum(size) as bytes,
        cast(timezone('UTC', max(last_modified)) as timestamp) as modified_at
    from read_blob({{ sql_string(path) if path is string else sql_string_list(path) }})
{%- endmacro %}

{% macro spark__file_identity(path) -%}
    {%- set listings = [] -%}
    {%- for one in ([path] if path is string else path) -%}
        {%- do listings.append('select * from ' ~ spark_file_listing(one)) -%}
    {%- endfor -%}
    select
        count(*) as files,
        sum(length) as bytes,
        date_trunc('second', max(modificationTime)) as modified_at
    from (
        {{ listings | join(' union all ') if listings else
            'select cast(null as bigint) as length, cast(null as timestamp) as modificationTime where false' }}
    ) as listed_files
{%- endmacro %}


{#- Spark: a temporary view of the files matching `path` (path, length, modificationTime), from
    Spark's binaryFile source over the path's folder (which must exist) filtered by the last
    part of the path; returns the view's name (only the name while parsing). The folder is
    listed recursively and the files of sub-folders are dropped. Spark skips empty files. -#}
{% macro spark_file_listing(path) -%}
    {%- set view = 'fh_files_' ~ local_md5(path)[:16] -%}
    {%- if execute -%}
        {%- set path = path | string -%}
        {%- if not path.startswith('/') -%}
            {%- set cwd = run_query(
                "select reflect('java.lang.System', 'getProperty', 'user.dir')").rows[0][0] -%}
            {%- set path = cwd ~ '/' ~ (path[2:] if path.startswith('./') else path) -%}
        {%- endif -%}
        {%- set folder, name = path.rsplit('/', 1) -%}
        {%- do run_query(
            'create or replace temporary view ' ~ view ~ ' using binaryFile options (path '
            ~ sql_string(folder or '/') ~ ', pathGlobFilter ' ~ sql_string(name)
            ~ ", recursiveFileLookup 'true')") -%}
        {{ return('(select path, length, modificationTime from ' ~ view
            ~ " where regexp_extract(path, '^(.*)/[^/]*$', 1) = " ~ sql_string('file:' ~ folder)
            ~ ')') }}
    {%- endif -%}
    {{ return(view) }}
{%- endmacro %}


{#- Spark: a query of the files under `folder` (at any depth) whose name matches the glob
    `name` (path, length, modificationTime). -#}
{% macro spark_recursive_file_listing(folder, name) -%}
    {%- set view = 'fh_tree_' ~ local_md5(folder ~ '/' ~ name)[:16] -%}
    {%- if execute -%}
        {%- do run_query(
            'create or replace temporary view ' ~ view ~ ' using binaryFile options (path '
            ~ sql_string(folder) ~ ', pathGlobFilter ' ~ sql_string(name)
            ~ ", recursiveFileLookup 'true')") -%}
    {%- endif -%}
    {{ return('(select path, length, modificationTime from ' ~ view ~ ')') }}
{%- endmacro %}


{#- Whether the engine's Parquet reader takes a list of files in one scan (DuckDB's
    read_parquet([...]) does; the Spark reader here reads one path per relation). -#}
{% macro reads_parquet_files_together() -%}
    {{ return(adapter.dispatch('reads_parquet_files_together', 'funnelhouse')()) }}
{%- endmacro %}

{% macro default__reads_parquet_files_together() -%}
    {{ return(true) }}
{%- endmacro %}

{% macro spark__reads_parquet_files_together() -%}
    {{ return(false) }}
{%- endmacro %}
