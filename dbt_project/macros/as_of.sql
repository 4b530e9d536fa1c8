{#- The moment every window is measured from: var `as_of` (a day, YYYY-MM-DD, read as midnight UTC) when set, so
    a past day can be rebuilt, else now in UTC. A naive timestamp, like the warehouse's. Windows end at it:
    what happened at or after as_of is left out (macro before_as_of). -#}
{% macro as_of_timestamp() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', as_of | string) -%}
            {{ exceptions.raise_compiler_error(
                "var as_of must be a day written YYYY-MM-DD (windows end at its midnight UTC), not '"
                ~ as_of ~ "'"
            ) }}
        {%- endif -%}
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

{#- True when `moment` (a timestamp) comes before as_of: the upper bound of every window, so that a build with a
    past as_of leaves out what happened since. -#}
{% macro before_as_of(moment) -%}
    {{ moment }} < {{ as_of_timestamp() }}
{%- endmacro %}

{#- True when the day `day` (a date) began before as_of: the upper bound for rows summed per day. A pinned
    as_of is a midnight, so the as_of day itself is left out; unpinned, today counts. -#}
{% macro day_before_as_of(day) -%}
    cast({{ day }} as {{ dbt.type_timestamp() }}) < {{ as_of_timestamp() }}
{%- endmacro %}
