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
    character: on 20 million ids it is faster than a plain trim(). -#}
{% macro trim_whitespace(expression) -%}
    {%- set code_points = invisible_code_points() -%}
    {%- set wide = code_points | select('>', 127) | join(', ') -%}
    {%- set characters = [] -%}
    {%- for code_point in code_points -%}
        {%- do characters.append('chr(' ~ code_point ~ ')') -%}
    {%- endfor -%}
    case
        when
            ascii({{ expression }}) <= 32 or ascii(right({{ expression }}, 1)) <= 32
            or (ascii({{ expression }}) > 127 and ascii({{ expression }}) in ({{ wide }}))
            or (
                ascii(right({{ expression }}, 1)) > 127
                and ascii(right({{ expression }}, 1)) in ({{ wide }})
            )
            then trim({{ expression }}, {{ characters | join(' || ') }})
        else {{ expression }}
    end
{%- endmacro %}


{#- A raw column as text: cast, white space and invisible characters trimmed (trim_whitespace),
    and blank or a null-like token (var null_tokens, case-insensitive: 'NULL', 'None', ...) ->
    null. The one definition of a cleaned text field, for every staging model that reads a raw
    file. The byte-length test keeps lower() off almost every value. -#}
{% macro clean_text(column) -%}
    {%- set trimmed = trim_whitespace('cast(' ~ column ~ ' as varchar)') -%}
    {%- set tokens = var('null_tokens') | map('lower') | list -%}
    {%- set lengths = [] -%}
    {%- set quoted = [] -%}
    {%- for token in tokens -%}
        {%- do lengths.append(token | length) -%}
        {%- do quoted.append(sql_string(token)) -%}
    {%- endfor -%}
    case
        when
            strlen({{ trimmed }}) in ({{ lengths | unique | join(', ') }})
            and lower({{ trimmed }}) in ({{ quoted | join(', ') }})
            then null
        else nullif({{ trimmed }}, '')
    end
{%- endmacro %}
