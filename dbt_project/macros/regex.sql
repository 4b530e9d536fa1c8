{#- True when `expression` matches the regular expression `pattern` (a SQL string literal). -#}
{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'interaction_pipeline')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    ({{ expression }} ~ {{ pattern }})
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
    regexp_full_match({{ expression }}, {{ pattern }})
{%- endmacro %}
