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

{#- Spark's `rlike` also finds the pattern anywhere, so it is anchored the same way. Spark's string literals
    treat a backslash as an escape and drop it before an ordinary letter ('\s' reads as 's'), so each
    backslash in a literal pattern is doubled to reach the regex engine as written. -#}
{% macro spark__regex_matches(expression, pattern) -%}
    {%- set pattern = pattern.replace('\\', '\\\\') if pattern.startswith("'") else pattern -%}
    ({{ expression }} rlike concat('^(?:', {{ pattern }}, ')$'))
{%- endmacro %}

{#- The digits of `expression` alone, so that one phone number written two ways ('+1 (415) 555-0102',
    '+14155550102') compares equal. -#}
{% macro digits_only(expression) -%}
    {{ return(adapter.dispatch('digits_only', 'interaction_pipeline')(expression)) }}
{%- endmacro %}

{#- Postgres and DuckDB replace only the first match unless given the 'g' flag. -#}
{% macro default__digits_only(expression) -%}
    regexp_replace({{ expression }}, '[^0-9]', '', 'g')
{%- endmacro %}

{#- Spark's regexp_replace replaces every match and takes no flags. -#}
{% macro spark__digits_only(expression) -%}
    regexp_replace({{ expression }}, '[^0-9]', '')
{%- endmacro %}
