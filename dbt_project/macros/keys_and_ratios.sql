{#- A key over several columns (nulls read as empty strings), for grains without a natural single key. -#}
{% macro surrogate_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- numerator / denominator, null when the denominator is zero; rounded to 4 places. -#}
{% macro safe_ratio(numerator, denominator) -%}
    round(cast({{ numerator }} as {{ type_double() }}) / nullif({{ denominator }}, 0), 4)
{%- endmacro %}
