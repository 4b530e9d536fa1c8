{#- Identity values normalised before stitching: trimmed, emails lower-cased. Values that merge unrelated
    people (placeholders such as '', 'null', 'anonymous', '-1', strings of zeros and dashes) become null.
    The blocked list lives in var `identity_blocked_values`; the zero/dash rule is the regex '^[0-]*$'. -#}
{% macro clean_identifier(expression) -%}
    case
        when lower(trim({{ expression }})) in (
            {%- for value in var('identity_blocked_values') %}'{{ value }}'{% if not loop.last %}, {% endif %}{% endfor -%}
        ) then null
        when {{ regex_matches('trim(' ~ expression ~ ')', "'^[0-]*$'") }} then null
        else trim({{ expression }})
    end
{%- endmacro %}

{#- An email address, lower-cased, or null when the value is blocked or not shaped like an email. -#}
{% macro clean_email(expression) -%}
    case
        when {{ regex_matches('lower(trim(' ~ expression ~ '))', "'[^@\\s]+@[^@\\s]+\\.[^@\\s]+'") }}
            then lower(trim({{ expression }}))
    end
{%- endmacro %}

{#- Stable profile key from an identifier's type and value. -#}
{% macro identifier_key(identifier_type, identifier_value) -%}
    {{ dbt.hash(dbt.concat([identifier_type, "':'", identifier_value])) }}
{%- endmacro %}

{#- The recipient email carried by an event: context.traits.email, then properties.email, then the anonymous id
    when Customer.io or Iterable sent the email there because they had no user id. -#}
{% macro event_email(context_traits_email, properties_email, anonymous_id, source_kind) -%}
    coalesce(
        {{ clean_email(context_traits_email) }},
        {{ clean_email(properties_email) }},
        case when {{ source_kind }} in ('customerio', 'iterable') then {{ clean_email(anonymous_id) }} end
    )
{%- endmacro %}

{#- The anonymous id unless it is really an email (Customer.io / Iterable), cleaned. -#}
{% macro event_anonymous_id(anonymous_id, source_kind) -%}
    case
        when {{ source_kind }} in ('customerio', 'iterable') and {{ clean_email(anonymous_id) }} is not null
            then null
        else {{ clean_identifier(anonymous_id) }}
    end
{%- endmacro %}

{#- The smaller of two nullable values (either when the other is null): with ordered_pair_second, a pair
    written in a canonical order whichever column held which value. -#}
{% macro ordered_pair_first(first, second) -%}
    case
        when {{ first }} is null then {{ second }}
        when {{ second }} is null or {{ first }} <= {{ second }} then {{ first }}
        else {{ second }}
    end
{%- endmacro %}

{#- The larger of two values, null when either is null or both are equal. -#}
{% macro ordered_pair_second(first, second) -%}
    case
        when {{ first }} is null or {{ second }} is null or {{ first }} = {{ second }} then null
        when {{ first }} <= {{ second }} then {{ second }}
        else {{ first }}
    end
{%- endmacro %}

{#- An order-independent fingerprint of a group's `expression` values, to tell whether a group changed
    between runs. Values within a group must be distinct. DuckDB: xor of 64-bit hashes; elsewhere a hash of
    the sorted list, each value escaped (macro escaped_key_part) so that values holding the '|' that joins them
    never read as other values: ['a|b'] and ['a', 'b'] differ. -#}
{% macro fingerprint_agg(expression) -%}
    {{ return(adapter.dispatch('fingerprint_agg', 'interaction_pipeline')(expression)) }}
{%- endmacro %}

{% macro default__fingerprint_agg(expression) -%}
    {{ dbt.hash(dbt.listagg(escaped_key_part(expression), "'|'", "order by " ~ expression)) }}
{%- endmacro %}

{% macro duckdb__fingerprint_agg(expression) -%}
    cast(bit_xor(hash({{ expression }})) as {{ dbt.type_string() }})
{%- endmacro %}

{#- Spark's listagg ignores its order (dbt-spark warns and collects in any order): the list is sorted here, so
    a group's fingerprint is the same on every run, as a Delta table's merge needs. -#}
{% macro spark__fingerprint_agg(expression) -%}
    md5(array_join(array_sort(collect_list({{ escaped_key_part(expression) }})), '|'))
{%- endmacro %}

{#- Post-hook of int_identifiers_stitched: an incremental run writes identifiers no longer observed anywhere
    without a profile, which replaces their stored rows; this removes them. -#}
{% macro delete_unobserved_identifiers(stitched) -%}
    delete from {{ stitched }} where profile_id is null
{%- endmacro %}
