{#- The events files under var('events_path') as this build sees them: one row per file, in
    load (name) order, with its size, modification time and fingerprint (md5 of its bytes), and
    when it was first loaded. The previous build's rows are the record of what was loaded; on an
    incremental build (not --full-refresh) the build stops with an error naming the file when

    - a loaded file changed (its size or modification time differs and so does its fingerprint),
    - a loaded file is gone,
    - a new file sorts before a loaded one (files are loaded in name order; the late-event rule
      and the duplicate rule depend on that order),

    because loading it would double-count or silently drop rows; and when the settings that
    shaped the loaded rows changed (macro history_settings: the engine version, the vars, the
    incremental models and their seeds), because old and new rows would follow different
    rules. `dbt build --full-refresh` reloads every file as it is now with the current
    settings. Only new files and files whose size or modification time changed are hashed. -#}
{%- set files = events_files() -%}
{%- set settings = history_settings() -%}
{%- set previous_settings = {} -%}
{%- set stats = events_file_stats(files) -%}
{%- set previous = {} -%}
{%- set existing = load_relation(this) if execute else none -%}
{%- if existing is not none -%}
    {%- for row in run_query(
        'select source_file, file_size, cast(modified_at as string) as modified_at, fingerprint,'
        ~ ' cast(first_loaded_at as string) as first_loaded_at, build_settings from ' ~ this
    ).rows -%}
        {%- do previous.update({row['source_file']: row}) -%}
        {%- do previous_settings.update(fromjson(row['build_settings'])) -%}
    {%- endfor -%}
{%- endif -%}
{%- set to_hash = [] -%}
{%- for file in files -%}
    {%- set known = previous.get(file) -%}
    {%- if known is none or known['file_size'] != stats[file]['file_size']
        or known['modified_at'] != stats[file]['modified_at'] -%}
        {%- do to_hash.append(file) -%}
    {%- endif -%}
{%- endfor -%}
{%- set fingerprints = events_file_fingerprints(to_hash) -%}
{%- set loaded_at = run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') -%}
{%- set rows = [] -%}
{%- set problems = [] -%}
{%- set loaded_names = previous.keys() | list | sort -%}
{%- for file in files -%}
    {%- set known = previous.get(file) -%}
    {%- set fingerprint = fingerprints.get(file, known['fingerprint'] if known else none) -%}
    {%- if known is not none and known['fingerprint'] == fingerprint -%}
        {%- set first_loaded_at = known['first_loaded_at'] -%}
    {%- else -%}
        {%- set first_loaded_at = loaded_at -%}
        {%- if known is not none -%}
            {%- do problems.append(file ~ ' changed after it was loaded (size '
                ~ known['file_size'] ~ ' -> ' ~ stats[file]['file_size'] ~ ' bytes, md5 '
                ~ known['fingerprint'] ~ ' -> ' ~ fingerprint ~ ')') -%}
        {%- elif loaded_names and file < loaded_names[-1] -%}
            {%- do problems.append(file ~ ' is new but sorts before the loaded file '
                ~ loaded_names[-1] ~ ' (files are loaded in name order: give it a name that sorts'
                ~ ' after the loaded ones)') -%}
        {%- endif -%}
    {%- endif -%}
    {%- do rows.append({
        'source_file': file, 'file_size': stats[file]['file_size'],
        'modified_at': stats[file]['modified_at'], 'fingerprint': fingerprint,
        'first_loaded_at': first_loaded_at}) -%}
{%- endfor -%}
{%- for file in loaded_names if file not in files -%}
    {%- do problems.append(file ~ ' was loaded but is gone') -%}
{%- endfor -%}
{%- if existing is not none and not flags.FULL_REFRESH -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            "Loaded events files must not change: " ~ (problems | join('; '))
            ~ ". Restore the files, or rebuild from all files as they are now with "
            ~ "`dbt build --full-refresh`.") }}
    {%- endif -%}
    {%- set changed = changed_history_settings(previous_settings, settings) if previous else [] -%}
    {%- if changed -%}
        {{ exceptions.raise_compiler_error(
            "The loaded events were built with other settings than this build's: "
            ~ (changed | join(', ')) ~ " changed. An incremental build would mix old and new "
            ~ "rules: rebuild everything with `dbt build --full-refresh`.") }}
    {%- endif -%}
{%- endif %}

with

files as (
    {% for row in rows -%}
        select
            cast({{ sql_string(row['source_file']) }} as string) as source_file,
            cast({{ loop.index }} as integer) as file_number,
            cast({{ row['file_size'] }} as bigint) as file_size,
            cast({{ sql_string(row['modified_at']) }} as timestamp) as modified_at,
            cast({{ sql_string(row['fingerprint']) }} as string) as fingerprint,
            cast({{ sql_string(row['first_loaded_at']) }} as timestamp) as first_loaded_at,
            cast({{ sql_string(tojson(settings, sort_keys=true)) }} as string) as build_settings
        {% if not loop.last -%}
            union all
        {% endif -%}
    {%- endfor %}
),

final as (
    select * from files
)

select * from final
