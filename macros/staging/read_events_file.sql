{#- Reading a raw events file: Parquet (typed, as is) or CSV (every field as text).

    A CSV "raw row" is a CSV record: one line, or several when a quoted field holds a line
    break; the header line and blank lines are not rows. The reader never drops or merges a
    record for having the wrong number of fields: it reads the header's columns plus one overflow
    column, pads short records with nulls and reads empty fields as '' (not null), so that
    parse_error can tell 'missing_fields' (the last column is null: the record ended early, as a
    truncated last line does) and 'extra_fields' (the overflow column is set) from a well-formed
    record. Everything else (quoting, CRLF, a UTF-8 byte-order mark, long fields) is DuckDB's
    CSV parser with a fixed dialect (',' or tab, '"' quote and escape): no sniffing, so a hostile
    row cannot change how the rest of the file is read. Records are read in file order
    (parallel = false, required by null padding with quoted line breaks), which makes
    row_number() the record's position in the file.

    The engine-specific parts are dispatched macros: duckdb__ ones here (read_csv,
    read_parquet), spark__ ones in read_events_file_spark.sql. -#}

{% macro is_csv_path(path) -%}
    {%- set lowered = path | lower -%}
    {{ return(lowered.endswith('.csv') or lowered.endswith('.csv.gz')
        or lowered.endswith('.tsv') or lowered.endswith('.tsv.gz')) }}
{%- endmacro %}


{#- A text value as a SQL string literal (DuckDB: quotes doubled; Spark: backslash escapes). -#}
{% macro sql_string(value) -%}
    {{ return(adapter.dispatch('sql_string', 'funnelhouse')(value)) }}
{%- endmacro %}

{% macro default__sql_string(value) -%}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}


{#- The overflow column that catches the fields after the header's last column. -#}
{% macro csv_overflow_column() -%}
    {{ return('__extra_fields__') }}
{%- endmacro %}


{% macro csv_dialect(path) -%}
    {%- set delimiter = "'\t'" if (path | lower).endswith(('.tsv', '.tsv.gz')) else "','" -%}
    {{ return(
        'delim = ' ~ delimiter ~ ", quote = '\"', escape = '\"', auto_detect = false"
        ~ ', parallel = false, strict_mode = false, null_padding = true'
        ~ ', max_line_size = ' ~ var('csv_max_line_bytes')
    ) }}
{%- endmacro %}


{#- The physical lines of a CSV file, one text per line (null for an empty line), in order:
    no quoting, no delimiter. -#}
{% macro csv_physical_lines(path) -%}
    read_csv(
        {{ sql_string(path) }}, header = false, auto_detect = false,
        columns = {'line_text': 'VARCHAR'}, delim = chr(31), quote = '', escape = '',
        strict_mode = false, null_padding = true, parallel = false,
        max_line_size = {{ var('csv_max_line_bytes') }}
    )
{%- endmacro %}


{#- The header of a CSV file, read at compile time: {'names': its column names (trimmed,
    unquoted, lower-cased), 'line_number': its line (1 unless blank lines come first)};
    no names while parsing. -#}
{% macro csv_header(path) -%}
    {%- set header = {'names': [], 'line_number': 1} -%}
    {%- if execute -%}
        {%- set delimiter = '\t' if (path | lower).endswith(('.tsv', '.tsv.gz')) else ',' -%}
        {%- set result = run_query(csv_first_text_line_query(path)) -%}
        {%- if result.rows | length == 0 -%}
            {{ exceptions.raise_compiler_error(
                "The events file " ~ path ~ " is empty (no line has any text): a CSV events "
                ~ "file needs a header line.") }}
        {%- endif -%}
        {%- do header.update({'line_number': result.rows[0][0]}) -%}
        {%- for raw_name in result.rows[0][1].split(delimiter) -%}
            {%- do header['names'].append(raw_name.strip().strip('"').strip().lower()) -%}
        {%- endfor -%}
        {%- set names = header['names'] -%}
        {%- if '' in names or (names | unique | list | length) != (names | length) -%}
            {{ exceptions.raise_compiler_error(
                "The header of the events file " ~ path ~ " has a blank or repeated column name: "
                ~ (names | join(', '))) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(header) }}
{%- endmacro %}


{#- A query of the first line of a CSV file that is not blank: (line_number, line_text). -#}
{% macro csv_first_text_line_query(path) -%}
    {{ return(adapter.dispatch('csv_first_text_line_query', 'funnelhouse')(path)) }}
{%- endmacro %}

{% macro duckdb__csv_first_text_line_query(path) -%}
    select line_number, line_text
    from (
        -- the first lines only (a limit below the window stops the scan early)
        select row_number() over () as line_number, line_text
        from (select line_text from {{ csv_physical_lines(path) }} limit 100000)
    )
    where nullif(trim(line_text, ' ' || chr(9) || chr(13)), '') is not null
    limit 1
{%- endmacro %}


{#- The column names of a CSV file's header line (see csv_header). -#}
{% macro csv_header_names(path) -%}
    {{ return(csv_header(path)['names']) }}
{%- endmacro %}


{#- Column name -> the engine's type of a raw events file's column (VARCHAR for every CSV
    column), read at compile time; {} while parsing. -#}
{% macro events_file_columns(path) -%}
    {%- set columns = {} -%}
    {%- if execute -%}
        {%- if is_csv_path(path) -%}
            {%- for name in csv_header_names(path) -%}
                {%- do columns.update({name: 'VARCHAR'}) -%}
            {%- endfor -%}
        {%- else -%}
            {%- do columns.update(parquet_file_columns(path)) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(columns) }}
{%- endmacro %}


{#- Column name (lower case) -> type of a Parquet file, in file order. -#}
{% macro parquet_file_columns(path) -%}
    {{ return(adapter.dispatch('parquet_file_columns', 'funnelhouse')(path)) }}
{%- endmacro %}

{% macro duckdb__parquet_file_columns(path) -%}
    {%- set columns = {} -%}
    {%- set described = run_query(
        'describe select * from read_parquet(' ~ sql_string(path) ~ ')') -%}
    {%- for row in described.rows -%}
        {%- do columns.update({row['column_name'] | lower: row['column_type']}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}


{#- The relation (DuckDB: a table function) that reads a raw events file whose columns are
    file_columns (from events_file_columns); on DuckDB path may also be a list of Parquet files
    with those columns. -#}
{% macro read_events_file(path, file_columns) -%}
    {{ return(adapter.dispatch('read_events_file', 'funnelhouse')(path, file_columns)) }}
{%- endmacro %}

{% macro duckdb__read_events_file(path, file_columns) -%}
    {%- if path is string and is_csv_path(path) -%}
        {%- set csv_columns = [] -%}
        {%- for name in (file_columns.keys() | list) + [csv_overflow_column()] -%}
            {%- do csv_columns.append(sql_string(name) ~ ": 'VARCHAR'") -%}
        {%- endfor -%}
        {#- blank lines before the header are skipped, so that the header is the header -#}
        read_csv({{ sql_string(path) }}, columns = { {{- csv_columns | join(', ') -}} },
            header = true, skip = {{ csv_header(path)['line_number'] - 1 }}, {{ csv_dialect(path) }},
            nullstr = 'funnelhouse: no null string', filename = true)
    {%- else -%}
        read_parquet({{ sql_string(path) if path is string else sql_string_list(path) }},
            filename = true, file_row_number = true)
    {%- endif -%}
{%- endmacro %}


{#- The rows of a raw events file with their location and parse check, as a subquery:
    source_file, source_row_number (1-based, header excluded), parse_error (null,
    'missing_fields' or 'extra_fields'; always null for Parquet), then the file's columns. -#}
{% macro events_file_rows(path, file_columns) -%}
    {%- set names = file_columns.keys() | list -%}
    {%- set location = events_file_row_location(path, names) -%}
    (
        select
            {{ location['source_file'] }} as source_file,
            {{ location['row_number'] }} as source_row_number,
            {{ location['parse_error'] }} as parse_error
            {%- for name in names %},
            {{ adapter.quote(name) }}
            {%- endfor %}
        from {{ read_events_file(path, file_columns) }}
    )
{%- endmacro %}


{#- {'source_file', 'row_number', 'parse_error'}: the expressions over read_events_file's
    relation that give a row's file, its 1-based position and its CSV parse check. -#}
{% macro events_file_row_location(path, names) -%}
    {{ return(adapter.dispatch('events_file_row_location', 'funnelhouse')(path, names)) }}
{%- endmacro %}

{% macro duckdb__events_file_row_location(path, names) -%}
    {%- if path is string and is_csv_path(path) -%}
        {%- set row_number = 'row_number() over ()' -%}
        {%- if names -%}
            {%- set malformed = 'case when "' ~ csv_overflow_column()
                ~ "\" is not null then 'extra_fields' when \"" ~ names[-1]
                ~ "\" is null then 'missing_fields' end" -%}
            {#- a malformed record that spans lines: a quote opened and never closed -#}
            {%- set spans_lines = [] -%}
            {%- for name in names + [csv_overflow_column()] -%}
                {%- do spans_lines.append('contains("' ~ name ~ '", chr(10))') -%}
            {%- endfor -%}
            {%- set parse_error = "case when (" ~ malformed ~ ") is not null then case when "
                ~ (spans_lines | join(' or ')) ~ " then 'unclosed_quote' else " ~ malformed
                ~ " end end" -%}
        {%- else -%}
            {%- set parse_error = 'cast(null as varchar)' -%}
        {%- endif -%}
    {%- else -%}
        {%- set row_number = 'file_row_number + 1' -%}
        {%- set parse_error = 'cast(null as varchar)' -%}
    {%- endif -%}
    {{ return({'source_file': 'filename', 'row_number': row_number, 'parse_error': parse_error}) }}
{%- endmacro %}


{#- A column of the events file, or a typed null when the file does not have it. -#}
{% macro events_file_column(name, file_columns) -%}
    {{ return(adapter.quote(name) if name in file_columns else 'cast(null as string)') }}
{%- endmacro %}


{#- Stops the build with a clear message when the file lacks a required column. Each entry of
    required is a column name or a list of alternative names. -#}
{% macro require_events_file_columns(path, file_columns, required, events_format) -%}
    {%- if execute -%}
        {%- for entry in required -%}
            {%- set alternatives = [entry] if entry is string else entry -%}
            {%- if not (alternatives | select('in', file_columns) | list) -%}
                {{ exceptions.raise_compiler_error(
                    "The events file " ~ path ~ " has no column '" ~ (alternatives | join("' or '"))
                    ~ "', which the " ~ events_format ~ " event format requires (see docs/events.md). "
                    ~ "Columns found: " ~ (file_columns.keys() | list | join(', '))) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}


{#- The canonical raw event contract: the columns every format maps onto. -#}
{% macro canonical_event_columns() -%}
    {{ return([
        'user_id', 'event_at', 'event_type', 'event_id', 'session_id', 'item_id',
        'order_id', 'revenue', 'device', 'channel', 'country'
    ]) }}
{%- endmacro %}


{#- Several event files read as one relation (see events_files): {'columns': name -> type over
    all the files (a column's type where the files agree, a string where they do not; a column
    some files lack is null in their rows), 'by_file': file -> its own columns}. -#}
{% macro events_files_columns(files) -%}
    {%- set by_file = {} -%}
    {%- set types = {} -%}
    {%- set names = [] -%}
    {%- for file in files -%}
        {%- set file_columns = events_file_columns(file) -%}
        {%- do by_file.update({file: file_columns}) -%}
        {%- for name, type in file_columns.items() -%}
            {%- if name not in types -%}
                {%- do names.append(name) -%}
                {%- do types.update({name: type}) -%}
            {%- elif types[name] != type -%}
                {%- do types.update({name: dbt.type_string()}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set columns = {} -%}
    {%- for name in names -%}
        {%- do columns.update({name: types[name]}) -%}
    {%- endfor -%}
    {{ return({'columns': columns, 'by_file': by_file}) }}
{%- endmacro %}


{#- The rows of several event files as one subquery with the columns of events_file_rows:
    source_file, source_row_number, parse_error, then every column of `read`
    (events_files_columns). Parquet files with the same columns are read by one scan where the
    engine reads a list of files (reads_parquet_files_together); each CSV file by its own reader
    (its own header). -#}
{% macro events_files_rows(files, read) -%}
    {%- set columns = read['columns'] -%}
    {%- set groups = [] -%}
    {%- for file in files -%}
        {%- set file_columns = read['by_file'][file] -%}
        {%- set previous = groups[-1] if groups else none -%}
        {%- if previous and reads_parquet_files_together() and not is_csv_path(file)
            and not is_csv_path(previous['files'][0]) and previous['columns'] == file_columns -%}
            {%- do previous['files'].append(file) -%}
        {%- else -%}
            {%- do groups.append({'files': [file], 'columns': file_columns}) -%}
        {%- endif -%}
    {%- endfor -%}
    (
        {%- for group in groups %}
        select
            source_file,
            source_row_number,
            parse_error
            {%- for name, type in columns.items() %},
            {% if name not in group['columns'] -%}
                cast(null as {{ type }})
            {%- elif group['columns'][name] != type -%}
                cast({{ adapter.quote(name) }} as {{ type }})
            {%- else -%}
                {{ adapter.quote(name) }}
            {%- endif %} as {{ adapter.quote(name) }}
            {%- endfor %}
        {%- set source = group['files'] if group['files'] | length > 1 else group['files'][0] %}
        from {{ events_file_rows(source, group['columns']) }} as file_rows
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    )
{%- endmacro %}
