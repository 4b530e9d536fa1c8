{#- A key over several columns, for grains without a natural single key: the hash of the values joined by '|'
    (nulls read as empty strings). A '|' inside a value is escaped, so values holding it never make another
    row's key: ('a|b', 'c') and ('a', 'b|c') differ. -#}
{% macro surrogate_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append(escaped_key_part("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')")) -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- `text` with each backslash doubled and each '|' preceded by a backslash: text without either stays as it
    is. chr(92) is the backslash, whose literal engines spell differently. -#}
{% macro escaped_key_part(text) -%}
    replace(replace({{ text }}, chr(92), chr(92) || chr(92)), '|', chr(92) || '|')
{%- endmacro %}

{#- numerator / denominator, null when the denominator is zero; rounded to 4 places. -#}
{% macro safe_ratio(numerator, denominator) -%}
    {{ round_to("cast(" ~ numerator ~ " as " ~ type_double() ~ ") / nullif(" ~ denominator ~ ", 0)", 4) }}
{%- endmacro %}
