{#- The day audience and engagement windows are measured from: var `as_of` (YYYY-MM-DD) when set, so tests
    can pin it, else the current date. Returns a timestamp at midnight UTC ending that day. -#}
{% macro as_of_timestamp() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of -%}
        cast('{{ as_of }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{#- `as_of` minus `days` days, for "in the last N days" windows (inclusive lower bound). -#}
{% macro days_before_as_of(days) -%}
    {{ dbt.dateadd('day', -1 * days | int, as_of_timestamp()) }}
{%- endmacro %}
