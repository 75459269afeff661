{#- The Spark side of the events-file reader (read_events_file.sql has the contract).

    Parquet: Spark's parquet source, the row position from its hidden _metadata.row_index.
    CSV: Spark's CSV source cannot be given options in a query, so the reader registers the file
    as an external table (csv_file_table: <target schema>.fh_csv_<hash of path and columns>, no
    data copied; re-created by every build that reads the file) with the fixed dialect
    (',' or tab, '"' quote and escape, multi-line records, blank lines skipped) and reads every
    field as text. Spark pads a short record with nulls and drops the fields after the header's
    last column, but keeps the raw text of any record whose field count differs from the
    header's (columnNameOfCorruptRecord): parse_error counts that record's fields (its text
    without quoted parts, split at the delimiter) -- fewer is missing_fields, more is
    extra_fields, and a record that holds a line break is unclosed_quote, as on DuckDB. Unlike
    DuckDB, Spark reads an empty unquoted field as null (clean_text makes both null). A CSV file
    is read by one task (multi-line records cannot be split), so
    row_number() over (order by monotonically_increasing_id()) is the record's position. -#}

{#- Spark string literals: backslash escapes. -#}
{% macro spark__sql_string(value) -%}
    {{ return("'" ~ (value | string | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'") }}
{%- endmacro %}


{#- The file path as Spark reads it in a path-as-table query: parquet.`path`. -#}
{% macro spark_path_identifier(path) -%}
    {{ return('`' ~ (path | string | replace('`', '``')) ~ '`') }}
{%- endmacro %}


{% macro spark__csv_first_text_line_query(path) -%}
    select line_number, line_text
    from (
        select
            row_number() over (order by monotonically_increasing_id()) as line_number,
            value as line_text
        from (select value from text.{{ spark_path_identifier(path) }} limit 100000)
    )
    where nullif(btrim(line_text, ' ' || chr(9) || chr(13)), '') is not null
    order by line_number
    limit 1
{%- endmacro %}


{% macro spark__parquet_file_columns(path) -%}
    {%- set columns = {} -%}
    {%- set described = run_query(
        'describe query select * from parquet.' ~ spark_path_identifier(path)) -%}
    {%- for row in described.rows -%}
        {%- if row[0] and not row[0].startswith('#') -%}
            {%- do columns.update({row[0] | lower: row[1]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}


{#- The column that keeps the raw text of a CSV record with the wrong number of fields. -#}
{% macro spark_csv_corrupt_record_column() -%}
    {{ return('__malformed_record__') }}
{%- endmacro %}


{#- Registers a CSV file as an external table over the file (see the top) and returns its
    name; while parsing, only the name. -#}
{% macro spark_csv_file_table(path, names) -%}
    {%- set table = target.schema ~ '.fh_csv_' ~ local_md5(path ~ '|' ~ (names | join('|')))[:16] -%}
    {%- if execute -%}
        {%- set columns = [] -%}
        {%- for name in names + [spark_csv_corrupt_record_column()] -%}
            {%- do columns.append(adapter.quote(name) ~ ' string') -%}
        {%- endfor -%}
        {%- set delimiter = '\\t' if (path | lower).endswith(('.tsv', '.tsv.gz')) else ',' -%}
        {%- do run_query('drop table if exists ' ~ table) -%}
        {%- do run_query(
            'create table ' ~ table ~ ' (' ~ (columns | join(', ')) ~ ') using csv options ('
            ~ 'path ' ~ sql_string(path) ~ ", header 'true', sep " ~ sql_string(delimiter)
            ~ ", quote '\"', escape '\"', multiLine 'true', mode 'PERMISSIVE', "
            ~ "columnNameOfCorruptRecord " ~ sql_string(spark_csv_corrupt_record_column())
            ~ ", nullValue 'funnelhouse: no null string', emptyValue '', encoding 'UTF-8', "
            ~ "maxCharsPerColumn '" ~ var('csv_max_line_bytes') ~ "')") -%}
    {%- endif -%}
    {{ return(table) }}
{%- endmacro %}


{% macro spark__read_events_file(path, file_columns) -%}
    {%- if is_csv_path(path) -%}
        {{ spark_csv_file_table(path, file_columns.keys() | list) }}
    {%- else -%}
        parquet.{{ spark_path_identifier(path) }}
    {%- endif -%}
{%- endmacro %}


{% macro spark__events_file_row_location(path, names) -%}
    {%- if is_csv_path(path) -%}
        {%- set record = adapter.quote(spark_csv_corrupt_record_column()) -%}
        {%- set delimiter = '\\t' if (path | lower).endswith(('.tsv', '.tsv.gz')) else ',' -%}
        {%- set fields = 'size(split(regexp_replace(' ~ record ~ ", '\"([^\"]|\"\")*\"', ''), "
            ~ sql_string(delimiter) ~ ', -1))' -%}
        {%- set parse_error = 'case when ' ~ record ~ ' is not null then case when contains('
            ~ record ~ ", chr(10)) then 'unclosed_quote' when " ~ fields ~ ' < ' ~ (names | length)
            ~ " then 'missing_fields' else 'extra_fields' end end" -%}
        {#- Spark refuses a query of a CSV file that reads only the corrupt-record column
            (UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN), e.g. a test of parse_error
            alone: the empty prefix of the first field keeps a parsed column in every read. -#}
        {%- if names -%}
            {%- set parse_error = 'concat(' ~ parse_error ~ ', left(coalesce('
                ~ adapter.quote(names[0]) ~ ", ''), 0))" -%}
        {%- endif -%}
        {%- set row_number = 'row_number() over (order by monotonically_increasing_id())' -%}
    {%- else -%}
        {%- set parse_error = 'cast(null as string)' -%}
        {%- set row_number = '_metadata.row_index + 1' -%}
    {%- endif -%}
    {{ return({'source_file': sql_string(path), 'row_number': row_number,
        'parse_error': parse_error}) }}
{%- endmacro %}


{#- The physical line where CSV record `record_number` starts (see duckdb__csv_record_line):
    line breaks are counted in the record's fields, or in its raw text when it is malformed
    (Spark keeps the fields only up to the header's last column). -#}
{% macro spark__csv_record_line(path, record_number) -%}
    {%- set names = events_file_columns(path).keys() | list -%}
    {%- set record = adapter.quote(spark_csv_corrupt_record_column()) -%}
    {%- set field_lines = [] -%}
    {%- for name in names -%}
        {%- do field_lines.append(spark_csv_extra_lines(adapter.quote(name))) -%}
    {%- endfor -%}
    {%- set records -%}
        select
            row_number() over (order by monotonically_increasing_id()) as record_number,
            case
                when {{ record }} is not null then {{ spark_csv_extra_lines(record) }}
                else {{ field_lines | join(' + ') }}
            end as extra_lines
        from {{ spark_csv_file_table(path, names) }}
    {%- endset -%}
    {%- set physical_lines -%}
        select
            row_number() over (order by monotonically_increasing_id()) as line_number,
            value as line_text
        from text.{{ spark_path_identifier(path) }}
    {%- endset -%}
    {{ return(csv_record_line_query(path, record_number, records, physical_lines)) }}
{%- endmacro %}


{#- The line breaks inside a text that start a non-empty line (empty lines are not counted by
    the physical-line numbering either). -#}
{% macro spark_csv_extra_lines(text) -%}
    {%- set segments = "split(coalesce(" ~ text ~ ", ''), chr(10), -1)" -%}
    (size({{ segments }}) - 1 - size(filter(
        slice({{ segments }}, 2, greatest(size({{ segments }}) - 2, 0)),
        segment_ -> segment_ in ('', chr(13))
    )))
{%- endmacro %}
