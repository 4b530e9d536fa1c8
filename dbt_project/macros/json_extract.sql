{#- Read one value out of a JSON column as text. `path` is dotted (`traits.email`, `metadata.config`).
    DuckDB: json_extract_string; Spark: get_json_object; other engines get the Postgres-style operator chain
    by default. -#}
{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text', 'interaction_pipeline')(column, path)) }}
{%- endmacro %}

{% macro default__json_text(column, path) -%}
    {%- set keys = path.split('.') -%}
    ({{ column }}{% for key in keys[:-1] %} -> '{{ key }}'{% endfor %} ->> '{{ keys[-1] }}')
{%- endmacro %}

{% macro duckdb__json_text(column, path) -%}
    json_extract_string({{ column }}, '$.{{ path }}')
{%- endmacro %}

{#- Spark (and Databricks) hold JSON as strings and read them with a JSONPath. -#}
{% macro spark__json_text(column, path) -%}
    get_json_object({{ column }}, '$.{{ path }}')
{%- endmacro %}

{#- The first of several JSON paths that is present: partners name the same property differently
    (campaign_id, campaignId, canvas_id, ...). -#}
{% macro first_json_text(column, paths) -%}
    coalesce({% for path in paths %}{{ json_text(column, path) }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}
