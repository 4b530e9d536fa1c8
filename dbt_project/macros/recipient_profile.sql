{#- Every column of `recipients` plus `profile_id`, the profile of each row's recipient: the user id's profile;
    else the anonymous id's when it was identified with a user id (a known person's device: a shared email must
    not take its events to another member of the household); else the email's; else the anonymous id's.
    `recipients` has user_id, email and anonymous_id (cleaned, as in int_interaction_events); `identifiers` is
    int_identifiers_stitched. A complete select statement. -#}
{% macro select_with_recipient_profile(recipients, identifiers) -%}
    select
        {{ recipients }}.*,
        coalesce(
            by_user_id.profile_id,
            case when by_anonymous_id.identified_user_ids > 0 then by_anonymous_id.profile_id end,
            by_email.profile_id,
            by_anonymous_id.profile_id
        ) as profile_id
    from {{ recipients }}
    left join {{ identifiers }} as by_user_id
        on
            by_user_id.identifier_type = 'user_id'
            and {{ recipients }}.user_id = by_user_id.identifier_value
    left join {{ identifiers }} as by_email
        on
            by_email.identifier_type = 'email'
            and {{ recipients }}.email = by_email.identifier_value
    left join {{ identifiers }} as by_anonymous_id
        on
            by_anonymous_id.identifier_type = 'anonymous_id'
            and {{ recipients }}.anonymous_id = by_anonymous_id.identifier_value
{%- endmacro %}

{#- The key of an interaction's recipient: its (user_id, email, anonymous_id) as int_interaction_recipients
    groups them. Incremental marts store it with each row, so a row's profile can be looked up again in
    int_interaction_recipients_profiled when identities are stitched differently. -#}
{% macro recipient_id(user_id, email, anonymous_id) -%}
    {{ surrogate_key([user_id, email, anonymous_id]) }}
{%- endmacro %}

{#- For an incremental model that stores `profile_id` and `recipient_id`: the rows of `stored` (the model's
    own relation, `this`) whose recipient now belongs to another profile in `recipient_profiles` (rows of
    int_interaction_recipients_profiled), with the new profile and every other column as stored. `columns` are
    the model's columns in order. Rows whose `rebuilt_keys` columns match a row of `rebuilt` are left out: the
    run computes them afresh. -#}
{% macro rows_with_moved_profile(stored, recipient_profiles, columns, rebuilt=none, rebuilt_keys=[]) -%}
    select
        {%- for column in columns %}
        {% if column == 'profile_id' %}recipient_profile.profile_id{% else %}stored_row.{{ column }}{% endif %}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ stored }} as stored_row
    left join {{ recipient_profiles }} as recipient_profile
        on stored_row.recipient_id = recipient_profile.recipient_id
    where
        stored_row.profile_id is distinct from recipient_profile.profile_id
        {%- if rebuilt %}
        and not exists (
            select 1 from {{ rebuilt }} as rebuilt_row
            where
                {%- for key in rebuilt_keys %}
                rebuilt_row.{{ key }} = stored_row.{{ key }}{% if not loop.last %} and{% endif %}
                {%- endfor %}
        )
        {%- endif %}
{%- endmacro %}
