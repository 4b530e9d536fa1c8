{#- Data tests on the event tables (millions of rows) may check only the newest load on incremental runs:
    a test's `where` may say `loaded_at >= __newest_loaded_at__` (or `_loaded_at >= __newest_raw_loaded_at__`
    on the raw table), which becomes the newest value of that column in the tested relation. Earlier rows were
    tested when they arrived and incremental runs never rewrite them; `dbt build --full-refresh` tests every
    row. Any other `where` is applied as dbt does. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set newest_loaded_at = '(select max(loaded_at) from ' ~ relation ~ ')' -%}
    {%- set newest_raw_loaded_at = '(select max(_loaded_at) from ' ~ relation ~ ')' -%}
    {%- if where and flags.FULL_REFRESH and '__newest_' in where -%}
        {%- set where = '' -%}
    {%- endif -%}
    {%- if where -%}
        {%- set where = where.replace('__newest_loaded_at__', newest_loaded_at) -%}
        {%- set where = where.replace('__newest_raw_loaded_at__', newest_raw_loaded_at) -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The newest load an incremental model already holds (`column` of `relation`, aliased already_loaded), or
    1900-01-01 when it holds no rows yet, so that the first rows to arrive are still picked up. -#}
{% macro newest_loaded_at(column, relation) -%}
    (
        select coalesce(max({{ column }}), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
        from {{ relation }} as already_loaded
    )
{%- endmacro %}
