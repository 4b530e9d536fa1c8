{#- True when the whole of `expression` matches the regular expression `pattern` (a SQL string literal). -#}
{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'interaction_pipeline')(expression, pattern)) }}
{%- endmacro %}

{#- Postgres' `~` finds the pattern anywhere in the value, so it is anchored to match the whole value. -#}
{% macro default__regex_matches(expression, pattern) -%}
    ({{ expression }} ~ ('^(?:' || {{ pattern }} || ')$'))
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
    regexp_full_match({{ expression }}, {{ pattern }})
{%- endmacro %}
