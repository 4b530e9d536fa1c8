{#- Incremental strategy `changed_rows`, for models rebuilt in full on every run (profiles, their traits and
    engagement, audiences, funnels): the model's query computes every row as a table would, and only the rows
    that differ are written. Rows of the target that are not in the new result (changed or gone) are deleted
    by key, then the new result's rows whose key is no longer in the target (changed or new) are inserted.
    The target ends up equal to the new result, while a run that changes a few hundred profiles writes a few
    hundred rows instead of rewriting and re-checkpointing the whole table. Needs `unique_key`, whose columns
    are never null (keys are compared with `=`). -#}
{% macro get_incremental_changed_rows_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- if not unique_key -%}
        {{ exceptions.raise_compiler_error("incremental_strategy 'changed_rows' needs a unique_key") }}
    {%- endif -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    delete from {{ target }}
    where exists (
        select 1
        from (
            select {{ columns }} from {{ target }}
            except
            select {{ columns }} from {{ source }}
        ) as stale_rows
        where
            {%- for key in keys %}
            stale_rows.{{ key }} = {{ target }}.{{ key }}{% if not loop.last %} and{% endif %}
            {%- endfor %}
    );

    {#- Every key still in the target now holds its new row, so what is left to insert is found by key alone. #}
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }}
    where not exists (
        select 1 from {{ target }} as kept_rows
        where
            {%- for key in keys %}
            kept_rows.{{ key }} = {{ source }}.{{ key }}{% if not loop.last %} and{% endif %}
            {%- endfor %}
    )
{%- endmacro %}
