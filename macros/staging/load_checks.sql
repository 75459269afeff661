{#- Checks that stop a build right after a raw file is validated (post-hooks of the validated
    staging models), with one clear message instead of a cryptic failure further down. -#}


{#- Stops the build when a CSV record has an unclosed quote (parse_error 'unclosed_quote' in
    `relation`): the quote made the reader take the lines after it into the same record, so they
    would be lost silently. Names the line, how many lines it swallowed and how it starts.
    `path` is the file `relation` was read from; without it (the events, possibly several files)
    the first file with such a record is named, among the rows the latest build loaded. -#}
{% macro stop_on_unclosed_quote(relation, path=none) -%}
    {%- if execute and (path is none or is_csv_path(path)) -%}
        {%- set found = run_query(
            'select min(source_file), min(source_row_number) from ' ~ relation
            ~ " where parse_error = 'unclosed_quote'"
            ~ ('' if path is not none else " and source_file = (select min(source_file) from "
                ~ relation ~ " where parse_error = 'unclosed_quote' and _loaded_at = "
                ~ "(select max(latest._loaded_at) from " ~ relation ~ " as latest))")) -%}
        {%- set path = path if path is not none else found.rows[0][0] -%}
        {%- set record_number = found.rows[0][1] -%}
        {%- if record_number is not none -%}
            {%- set line = csv_record_line(path, record_number) -%}
            {{ exceptions.raise_compiler_error(
                "Line " ~ line['line_number'] ~ " of " ~ path ~ " (record " ~ record_number
                ~ ") opens a quote that is never closed, so the CSV reader took the "
                ~ line['swallowed_lines'] ~ " line(s) after it into the same record; close or "
                ~ "remove that quote and rebuild. The line starts: "
                ~ (line['line_text'] or '')[:80]) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- The first physical line of CSV record `record_number` of `path` (records as
    read_events_file reads them), the line's text and how many further lines the record spans:
    {'line_number', 'line_text', 'swallowed_lines'}. A record spans one line plus one per line
    break inside its fields, except for empty lines inside a field's text, which the line count
    below skips like the empty lines between records. Run only when a build is about to stop. -#}
{% macro csv_record_line(path, record_number) -%}
    {{ return(adapter.dispatch('csv_record_line', 'funnelhouse')(path, record_number)) }}
{%- endmacro %}

{% macro duckdb__csv_record_line(path, record_number) -%}
    {%- set file_columns = events_file_columns(path) -%}
    {%- set fields = (file_columns.keys() | list) + [csv_overflow_column()] -%}
    {%- set extra_lines = [] -%}
    {%- for name in fields -%}
        {%- set segments = "string_split(coalesce(\"" ~ name ~ "\", ''), chr(10))" -%}
        {%- do extra_lines.append(
            '(len(' ~ segments ~ ') - 1 - len(list_filter(list_slice(' ~ segments ~ ', 2, len('
            ~ segments ~ ') - 1), lambda segment: segment in (\'\', chr(13)))))') -%}
    {%- endfor -%}
    {%- set records -%}
        select
            row_number() over () as record_number,
            {{ extra_lines | join(' + ') }} as extra_lines
        from {{ read_events_file(path, file_columns) }}
    {%- endset -%}
    {%- set physical_lines -%}
        select row_number() over () as line_number, line_text
        from {{ csv_physical_lines(path) }}
    {%- endset -%}
    {{ return(csv_record_line_query(path, record_number, records, physical_lines)) }}
{%- endmacro %}


{#- csv_record_line from an engine's two selects: `records` (record_number, extra_lines: the
    lines a record spans beyond its first) and `physical_lines` (line_number, line_text). -#}
{% macro csv_record_line_query(path, record_number, records, physical_lines) -%}
    {%- set header_line = csv_header(path)['line_number'] -%}
    {%- set line_query -%}
        with records as (
            {{ records }}
        ),

        before_record as (
            select
                coalesce(sum(extra_lines) filter (
                    where record_number < {{ record_number }}), 0) as lines_before,
                max(extra_lines) filter (
                    where record_number = {{ record_number }}) as swallowed_lines
            from records
        ),

        physical_lines as (
            {{ physical_lines }}
        ),

        text_lines as (
            select
                line_number,
                line_text,
                row_number() over (order by line_number) as text_line_number
            from physical_lines
            where line_number > {{ header_line }} and coalesce(line_text, '') not in ('', chr(13))
        )

        select text_lines.line_number, text_lines.line_text, before_record.swallowed_lines
        from text_lines
        cross join before_record
        where text_lines.text_line_number
            = {{ record_number }} + before_record.lines_before
    {%- endset -%}
    {{ return(csv_record_line_result(run_query(line_query).rows)) }}
{%- endmacro %}


{#- csv_record_line's result from its query's rows (none: the line was not found). -#}
{% macro csv_record_line_result(rows) -%}
    {%- if rows | length == 0 -%}
        {{ return({'line_number': '?', 'line_text': '', 'swallowed_lines': '?'}) }}
    {%- endif -%}
    {{ return({
        'line_number': rows[0][0], 'line_text': rows[0][1], 'swallowed_lines': rows[0][2]
    }) }}
{%- endmacro %}


{#- Stops the build when no row the latest build loaded into the validated events `relation`
    is clean (an empty or header-only file, or every row quarantined): on a full build every
    mart would be empty, and the build would fail later with a cryptic test; on an incremental
    build the new files hold no usable event. -#}
{% macro stop_without_clean_events(relation) -%}
    {%- if execute -%}
        {%- set counts = run_query(
            "select count(*) filter (where load_outcome = 'clean'), count(*), "
            ~ "count(*) filter (where load_outcome = 'quarantined'), count(distinct source_file)"
            ~ " from " ~ relation ~ " where _loaded_at = (select max(latest._loaded_at) from "
            ~ relation ~ " as latest)").rows[0] -%}
        {%- if counts[0] == 0 -%}
            {{ exceptions.raise_compiler_error(
                "0 clean events in " ~ var('events_path') ~ " (" ~ counts[3]
                ~ " file(s) loaded by this build): " ~ counts[2] ~ " rows quarantined "
                ~ "(of " ~ counts[1] ~ " raw rows), see staging.stg_clickstream__quarantined_events") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
