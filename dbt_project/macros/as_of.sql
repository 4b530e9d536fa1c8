{#- The moment audience and engagement windows are measured back from: var `as_of` (YYYY-MM-DD, read as
    midnight UTC) when set, so tests can pin it, else now in UTC. A naive timestamp, like the warehouse's. -#}
{% macro as_of_timestamp() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of -%}
        cast('{{ as_of }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        {{ utc_now() }}
    {%- endif -%}
{%- endmacro %}

{% macro utc_now() -%}
    {{ return(adapter.dispatch('utc_now', 'interaction_pipeline')()) }}
{%- endmacro %}

{% macro default__utc_now() -%}
    cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__utc_now() -%}
    (now() at time zone 'UTC')
{%- endmacro %}

{#- `as_of` minus `days` days, for "in the last N days" windows (inclusive lower bound). -#}
{% macro days_before_as_of(days) -%}
    {{ dbt.dateadd('day', -1 * days | int, as_of_timestamp()) }}
{%- endmacro %}
