{#- Data tests on the event tables and the incremental models built from them (millions of rows) may check
    only the newest load on incremental runs: a test's `where` may say `loaded_at >= __newest_loaded_at__`,
    which becomes the newest value of that column in the tested relation (also `__newest_last_loaded_at__`,
    `__newest_first_loaded_at__`, and `__newest_raw_loaded_at__` for `_loaded_at` on the raw table). Earlier
    rows were tested when they arrived and incremental runs never add them again; `dbt build --full-refresh`
    tests every row. Any other `where` is applied as dbt does. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set watermarks = {
        '__newest_loaded_at__': 'loaded_at',
        '__newest_last_loaded_at__': 'last_loaded_at',
        '__newest_first_loaded_at__': 'first_loaded_at',
        '__newest_raw_loaded_at__': '_loaded_at',
    } -%}
    {%- if where and flags.FULL_REFRESH and '__newest_' in where -%}
        {%- set where = '' -%}
    {%- endif -%}
    {%- if where -%}
        {#- A namespace: a plain `set` inside a for loop does not outlive the loop. -#}
        {%- set expanded = namespace(where=where) -%}
        {%- for token, column in watermarks.items() -%}
            {%- set expanded.where = expanded.where.replace(
                token, '(select max(' ~ column ~ ') from ' ~ relation ~ ')'
            ) -%}
        {%- endfor -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ expanded.where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The newest value of `column` (a load time) in `relation`, usually the model's own (`this`), or 1900-01-01
    when it holds no rows yet, so that the first rows to arrive are still picked up. -#}
{% macro newest_loaded_at(relation, column) -%}
    (
        select coalesce(max(already_loaded.{{ column }}), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
        from {{ relation }} as already_loaded
    )
{%- endmacro %}
