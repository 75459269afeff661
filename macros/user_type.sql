{#- New vs returning, the one definition every mart uses. A user is 'new' at a moment t when t
    falls in their first session (session_number 1), 'returning' otherwise. Pass the
    session_number of the session that contains the moment (an event's, a session's, or the
    first session of a period for "new at the start of the period"). -#}
{% macro user_type(session_number) -%}
    case when {{ session_number }} = 1 then 'new' else 'returning' end
{%- endmacro %}
