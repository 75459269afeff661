{#- One row: the build that made this warehouse. Which files it read (path, size, modification
    time, sha256 fingerprint, rows), in which format, when it started and when every model and
    test had passed (build_finished_at, set by the on-run-end hook finish_build_info; null
    while building or after a failure), with which versions. The fingerprints and versions come
    from the refresh (scripts/refresh.py, env FUNNELHOUSE_BUILD_PROVENANCE); a build by dbt
    alone has them null and built_by = 'dbt'. analyze.py prints this row and warns when the
    events file changed after the build. -#}
{%- set provenance = fromjson(env_var('FUNNELHOUSE_BUILD_PROVENANCE', '{}')) -%}
{%- set events_path = var('events_path') -%}
{%- set assignments_path = experiment_assignments_path() -%}
{%- set assignments_exist = experiment_file_exists(assignments_path) -%}

with

dataset_profile as (
    select * from {{ ref('dq_dataset_profile') }}
),

raw_assignments as (
    select * from {{ ref('stg_assignment_log__raw_assignments') }}
),

events_files as (
    {{ file_identity(events_files()) }}
),

assignment_files as (
    {{ file_identity(assignments_path, assignments_exist) }}
),

assignment_counts as (
    select count(*) as assignment_rows
    from raw_assignments
),

final as (
    select
        cast({{ sql_string(invocation_id) }} as string) as build_id,
        cast({{ sql_string(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }} as timestamp)
            as build_started_at,
        cast(null as timestamp) as build_finished_at,
        cast({{ sql_string(provenance.get('built_by', 'dbt')) }} as string) as built_by,
        dataset_profile.events_format,
        cast({{ sql_string(events_path) }} as string) as events_path,
        cast(events_files.files as integer) as events_files,
        cast(events_files.bytes as bigint) as events_bytes,
        events_files.modified_at as events_modified_at,
        {{ provenance_value(provenance, 'events_sha256') }} as events_sha256,
        dataset_profile.raw_rows as events_raw_rows,
        dataset_profile.clean_events,
        dataset_profile.quarantined_rows,
        dataset_profile.duplicate_rows,
        cast({{ sql_string(assignments_path) }} as string) as assignments_path,
        cast(assignment_files.files as integer) as assignments_files,
        cast(assignment_files.bytes as bigint) as assignments_bytes,
        assignment_files.modified_at as assignments_modified_at,
        {{ provenance_value(provenance, 'assignments_sha256') }} as assignments_sha256,
        cast(assignment_counts.assignment_rows as bigint) as assignments_raw_rows,
        cast({{ sql_string(dbt_version) }} as string) as dbt_version,
        cast(version() as string) as duckdb_version,
        {{ provenance_value(provenance, 'project_version') }} as project_version,
        {{ provenance_value(provenance, 'git_commit') }} as git_commit,
        {{ provenance_value(provenance, 'inputs_key') }} as inputs_key,
        {{ provenance_value(provenance, 'incremental_key') }} as incremental_key
    from dataset_profile
    cross join events_files
    cross join assignment_files
    cross join assignment_counts
)

select * from final
