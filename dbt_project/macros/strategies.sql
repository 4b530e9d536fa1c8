{#- How a model is written on the current engine, for models that set their own materialization or strategy
    (dbt_project.yml says the same for folders). DuckDB keeps its fastest strategies; every other engine gets
    what Postgres 15+, Snowflake, BigQuery, Redshift and Databricks all have (see dbt_project.yml). -#}

{#- A model keyed by unique_key whose rows are replaced key by key: incremental, except on Spark tables that
    cannot merge (plain parquet), where every build is a full one. -#}
{% macro keyed_materialization() -%}
    {%- set merges = target.type != 'spark' or var('spark_file_format', 'delta') in ['delta', 'iceberg', 'hudi'] -%}
    {{ return('incremental' if merges else 'table') }}
{%- endmacro %}

{#- The strategy of a keyed model: delete+insert on DuckDB, merge elsewhere. -#}
{% macro keyed_incremental_strategy() -%}
    {{ return('delete+insert' if target.type == 'duckdb' else 'merge') }}
{%- endmacro %}

{#- A model recomputed in full on every run: on DuckDB incremental with `changed_rows` (only the rows that
    differ are written), elsewhere a table rebuilt in full. -#}
{% macro recomputed_materialization() -%}
    {{ return('incremental' if target.type == 'duckdb' else 'table') }}
{%- endmacro %}
