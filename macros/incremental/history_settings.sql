{#- Everything that shaped the rows an incremental build keeps: the engine version (id_hash),
    the vars the incremental models read, and the checksums of the incremental models and of the
    seeds they read. stg_clickstream__event_files records it with the loaded files; when it
    changed, an incremental build would mix old and new rules, so it stops and names what
    changed (run --full-refresh). A var that shapes history belongs in the list below. -#}
{% macro history_settings() -%}
    {%- set settings = {'engine': engine_version()} -%}
    {%- for name in [
        'events_format', 'late_event_days', 'session_timeout_minutes', 'event_at_floor',
        'event_at_ceiling', 'max_revenue', 'max_text_length', 'csv_max_line_bytes',
        'null_tokens', 'user_funnel_period'
    ] -%}
        {%- do settings.update({'var ' ~ name: var(name, none) | string}) -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.config.materialized == 'incremental' -%}
            {%- do settings.update({'model ' ~ node.name: node.checksum.checksum}) -%}
            {%- for parent in node.depends_on.nodes if parent.startswith('seed.') -%}
                {%- do settings.update(
                    {'seed ' ~ graph.nodes[parent].name: graph.nodes[parent].checksum.checksum}) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(settings) }}
{%- endmacro %}


{#- The names of the settings that differ between two history_settings() dicts. -#}
{% macro changed_history_settings(before, now) -%}
    {%- set changed = [] -%}
    {%- for name in (before.keys() | list) + (now.keys() | list) -%}
        {%- if name not in changed and before.get(name) != now.get(name) -%}
            {%- do changed.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(changed | sort) }}
{%- endmacro %}
