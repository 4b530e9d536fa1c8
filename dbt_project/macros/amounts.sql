{#- Stripe amounts are integer minor units (cents); reports use major units. -#}
{% macro cents_to_amount(column) -%}
    cast({{ column }} as {{ dbt.type_numeric() }}) / 100
{%- endmacro %}

{#- Unix seconds (as text or number) to a UTC timestamp; null stays null. -#}
{% macro epoch_seconds_to_timestamp(expression) -%}
    {{ dbt.dateadd('second', 'cast(' ~ expression ~ ' as ' ~ dbt.type_bigint() ~ ')', "cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{#- A double-precision float (type_double() is 4-byte FLOAT on DuckDB: too coarse for money and rates). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'interaction_pipeline')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double precision{%- endmacro %}

{% macro duckdb__type_double() -%}double{%- endmacro %}

{% macro spark__type_double() -%}double{%- endmacro %}

{#- `expression` (a double) rounded to `places` decimals, still a double. Postgres rounds only numerics to a
    number of places, so its version rounds through numeric and casts back. -#}
{% macro round_to(expression, places) -%}
    {{ return(adapter.dispatch('round_to', 'interaction_pipeline')(expression, places)) }}
{%- endmacro %}

{% macro default__round_to(expression, places) -%}
    cast(round(cast({{ expression }} as numeric), {{ places }}) as {{ type_double() }})
{%- endmacro %}

{% macro duckdb__round_to(expression, places) -%}
    round({{ expression }}, {{ places }})
{%- endmacro %}

{% macro spark__round_to(expression, places) -%}
    round({{ expression }}, {{ places }})
{%- endmacro %}
