{#- The profile of an interaction's recipient: the user id's profile, else the email's, else the anonymous id's.
    `relation` has user_id, email and anonymous_id; `identifiers` is int_identifiers_stitched. Use
    profile_of_recipient in the select list and profile_of_recipient_joins after the from clause. -#}
{% macro profile_of_recipient(relation, identifiers) -%}
    coalesce(by_user_id.profile_id, by_email.profile_id, by_anonymous_id.profile_id)
{%- endmacro %}

{% macro profile_of_recipient_joins(relation, identifiers) -%}
    left join {{ identifiers }} as by_user_id
        on
            by_user_id.identifier_type = 'user_id'
            and {{ relation }}.user_id = by_user_id.identifier_value
    left join {{ identifiers }} as by_email
        on
            by_email.identifier_type = 'email'
            and {{ relation }}.email = by_email.identifier_value
    left join {{ identifiers }} as by_anonymous_id
        on
            by_anonymous_id.identifier_type = 'anonymous_id'
            and {{ relation }}.anonymous_id = by_anonymous_id.identifier_value
{%- endmacro %}

{#- The key of an interaction's recipient: its (user_id, email, anonymous_id) as int_interaction_recipients
    groups them. Incremental marts store it with each row, so a row's profile can be looked up again in
    int_interaction_recipients_profiled when identities are stitched differently. -#}
{% macro recipient_id(user_id, email, anonymous_id) -%}
    {{ dbt.hash(dbt.concat([
        "coalesce(" ~ user_id ~ ", '')", "'|'", "coalesce(" ~ email ~ ", '')", "'|'",
        "coalesce(" ~ anonymous_id ~ ", '')"
    ])) }}
{%- endmacro %}

{#- For an incremental model that stores `profile_id` and `recipient_id`: its stored rows whose recipient now
    belongs to another profile (identities were stitched differently), with the new profile and every other
    column as stored. `columns` are the model's columns in order; `except_where` leaves out rows the run
    rebuilds anyway. Joins `recipient_profiles`, a CTE over int_interaction_recipients_profiled. -#}
{% macro rows_with_moved_profile(columns, except_where=none) -%}
    select
        {%- for column in columns %}
        {% if column == 'profile_id' %}recipient_profiles.profile_id{% else %}existing.{{ column }}{% endif %}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ this }} as existing
    left join recipient_profiles
        on existing.recipient_id = recipient_profiles.recipient_id
    where
        existing.profile_id is distinct from recipient_profiles.profile_id
        {%- if except_where %}
        and not ({{ except_where }})
        {%- endif %}
{%- endmacro %}
