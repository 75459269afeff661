{#- The code points a raw text field is trimmed of, and which alone make it blank: ASCII white
    space (tab, line breaks, vertical tab, form feed, space) and the Unicode spaces and
    invisible format characters an export can carry: next line, no-break space, soft hyphen,
    ogham space, Mongolian vowel separator, the en quad ... hair spaces, zero-width space /
    non-joiner / joiner, left-to-right and right-to-left marks, line and paragraph separators,
    narrow no-break space, medium mathematical space, word joiner, the invisible operators,
    ideographic space and the zero-width no-break space (byte-order mark). -#}
{% macro invisible_code_points() -%}
    {{ return([9, 10, 11, 12, 13, 32, 133, 160, 173, 5760, 6158]
        + range(8192, 8208) | list + [8232, 8233, 8239, 8287]
        + range(8288, 8293) | list + [12288, 65279]) }}
{%- endmacro %}


{#- Text with leading and trailing white space and invisible characters removed
    (invisible_code_points; DuckDB's one-argument trim() removes spaces only). The guard skips
    the (slower) character-set trim for the usual value that starts and ends with a visible
    character; it tests code point ranges that cover the set (a value starting with another
    character of a range just takes the slow path, which trims nothing): range comparisons cost
    little, IN lists over 20 million values do not. -#}
{% macro trim_whitespace(expression) -%}
    case
        when
            {{ may_be_invisible('ascii(' ~ expression ~ ')') }}
            or {{ may_be_invisible('ascii(right(' ~ expression ~ ', 1))') }}
            then {{ trim_characters(expression, code_points_text(invisible_code_points())) }}
        else {{ expression }}
    end
{%- endmacro %}


{#- A SQL text of the given Unicode code points. -#}
{% macro code_points_text(code_points) -%}
    {{ return(adapter.dispatch('code_points_text', 'funnelhouse')(code_points)) }}
{%- endmacro %}

{% macro default__code_points_text(code_points) -%}
    {%- set characters = [] -%}
    {%- for code_point in code_points -%}
        {%- do characters.append('chr(' ~ code_point ~ ')') -%}
    {%- endfor -%}
    {{ return(characters | join(' || ')) }}
{%- endmacro %}

{#- Spark's chr() takes the code point modulo 256, so the text is a literal of \uXXXX escapes. -#}
{% macro spark__code_points_text(code_points) -%}
    {%- set escapes = [] -%}
    {%- for code_point in code_points -%}
        {%- do escapes.append('\\u' ~ ('%04x' | format(code_point))) -%}
    {%- endfor -%}
    {{ return("'" ~ (escapes | join('')) ~ "'") }}
{%- endmacro %}


{#- `expression` with every leading and trailing character of the text `characters` removed. -#}
{% macro trim_characters(expression, characters) -%}
    {{ return(adapter.dispatch('trim_characters', 'funnelhouse')(expression, characters)) }}
{%- endmacro %}

{% macro default__trim_characters(expression, characters) -%}
    trim({{ expression }}, {{ characters }})
{%- endmacro %}

{% macro spark__trim_characters(expression, characters) -%}
    btrim({{ expression }}, {{ characters }})
{%- endmacro %}


{#- True when the whole of `text` matches the regular expression `pattern` (a SQL text). -#}
{% macro regexp_full_match(text, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match', 'funnelhouse')(text, pattern)) }}
{%- endmacro %}

{% macro default__regexp_full_match(text, pattern) -%}
    regexp_full_match({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_full_match(text, pattern) -%}
    regexp_like({{ text }}, '^(?:' || {{ pattern }} || ')$')
{%- endmacro %}


{#- True when a code point may be one of invisible_code_points (ranges covering them). -#}
{% macro may_be_invisible(code_point) -%}
    ({{ code_point }} <= 32 or {{ code_point }} between 127 and 173
        or {{ code_point }} between 5760 and 12288 or {{ code_point }} = 65279)
{%- endmacro %}


{#- A raw column as text: cast, white space and invisible characters trimmed (trim_whitespace),
    blank -> null. The one definition of a cleaned text field, for every staging model that
    reads a raw file. -#}
{% macro clean_text(column) -%}
    nullif({{ trim_whitespace('cast(' ~ column ~ ' as string)') }}, '')
{%- endmacro %}


{#- A raw id column (user_id, event_id): clean_text, and a null-like token (var null_tokens,
    case-insensitive: 'NULL', 'None', ...) -> null, so that it is missing rather than a user or
    an event id shared by unrelated rows. -#}
{% macro clean_id(column) -%}
    {%- set alternatives = [] -%}
    {%- for token in var('null_tokens') -%}
        {%- do alternatives.append(modules.re.escape(token | lower)) -%}
    {%- endfor -%}
    {%- set cleaned = clean_text(column) -%}
    case
        when {{ regexp_full_match(cleaned, sql_string('(?i)' ~ (alternatives | join('|')))) }}
            then null
        else {{ cleaned }}
    end
{%- endmacro %}
