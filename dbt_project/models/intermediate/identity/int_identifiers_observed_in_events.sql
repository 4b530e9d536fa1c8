{{ config(unique_key=['record_id', 'identifier_type', 'identifier_value']) }}

{#- Identifiers seen together on messages, one row per (record, identifier), where a record is a distinct
    set of cleaned ids on messages. Incremental: only messages loaded after the newest first load here are
    read, and only rows that are new or now seen earlier are written (an identifier keeps its earliest
    observed_at and its first load), so the result equals a full rebuild while the many records seen again
    are left alone. A load that brings no new record leaves the watermark behind, and its messages are read
    once more next time, which changes nothing. -#}

with messages as (

    select * from {{ ref('stg_events__messages') }}
    {% if is_incremental() -%}
        where loaded_at > {{ newest_loaded_at(this, 'first_loaded_at') }}
    {%- endif %}

),

message_id_combinations as (

    select
        user_id,
        anonymous_id,
        previous_id,
        source_kind,
        traits_email,
        context_traits_email,
        properties_email,
        min(occurred_at) as observed_at,
        min(loaded_at) as first_loaded_at
    from messages
    group by user_id, anonymous_id, previous_id, source_kind, traits_email, context_traits_email, properties_email

),

cleaned_combinations as (

    select
        {{ clean_identifier('user_id') }} as user_id,
        {{ event_anonymous_id('anonymous_id', 'source_kind') }} as anonymous_id,
        {{ event_anonymous_id('previous_id', 'source_kind') }} as previous_anonymous_id,
        {{ clean_email('traits_email') }} as traits_email,
        {{ event_email('context_traits_email', 'properties_email', 'anonymous_id', 'source_kind') }} as event_email,
        observed_at,
        first_loaded_at
    from message_id_combinations

),

canonical_combinations as (

    -- Two anonymous ids (or two emails) on one message link the same way whichever column carried them,
    -- so each pair is put in order before records are formed.
    select
        user_id,
        {{ ordered_pair_first('anonymous_id', 'previous_anonymous_id') }} as anonymous_id,
        {{ ordered_pair_second('anonymous_id', 'previous_anonymous_id') }} as other_anonymous_id,
        {{ ordered_pair_first('traits_email', 'event_email') }} as email,
        {{ ordered_pair_second('traits_email', 'event_email') }} as other_email,
        observed_at,
        first_loaded_at
    from cleaned_combinations

),

message_records as (

    -- A record is a distinct set of cleaned identifiers: messages that differ only in their source or in
    -- placeholder values assert the same links, so they share one record (far fewer rows to stitch).
    select
        {{ surrogate_key(['user_id', 'anonymous_id', 'other_anonymous_id', 'email', 'other_email']) }} as record_id,
        user_id,
        anonymous_id,
        other_anonymous_id,
        email,
        other_email,
        min(observed_at) as observed_at,
        min(first_loaded_at) as first_loaded_at
    from canonical_combinations
    where coalesce(user_id, anonymous_id, other_anonymous_id, email, other_email) is not null
    group by user_id, anonymous_id, other_anonymous_id, email, other_email

),

observations as (

    select
        record_id,
        'user_id' as identifier_type,
        user_id as identifier_value,
        observed_at,
        first_loaded_at
    from message_records
    where user_id is not null

    union all

    select
        record_id,
        'anonymous_id' as identifier_type,
        anonymous_id as identifier_value,
        observed_at,
        first_loaded_at
    from message_records
    where anonymous_id is not null

    union all

    select
        record_id,
        'anonymous_id' as identifier_type,
        other_anonymous_id as identifier_value,
        observed_at,
        first_loaded_at
    from message_records
    where other_anonymous_id is not null

    union all

    select
        record_id,
        'email' as identifier_type,
        email as identifier_value,
        observed_at,
        first_loaded_at
    from message_records
    where email is not null

    union all

    select
        record_id,
        'email' as identifier_type,
        other_email as identifier_value,
        observed_at,
        first_loaded_at
    from message_records
    where other_email is not null

),

new_observations as (

    select
        record_id,
        identifier_type,
        identifier_value,
        min(observed_at) as observed_at,
        min(first_loaded_at) as first_loaded_at
    from observations
    group by record_id, identifier_type, identifier_value

),

final as (

    select
        new_observations.record_id,
        new_observations.identifier_type,
        new_observations.identifier_value,
        new_observations.observed_at,
        {% if is_incremental() -%}
            coalesce(existing.first_loaded_at, new_observations.first_loaded_at) as first_loaded_at
        {%- else -%}
            new_observations.first_loaded_at
        {%- endif %}
    from new_observations
    {% if is_incremental() -%}
        left join {{ this }} as existing
            on
                new_observations.record_id = existing.record_id
                and new_observations.identifier_type = existing.identifier_type
                and new_observations.identifier_value = existing.identifier_value
        where
            existing.record_id is null
            or new_observations.observed_at < existing.observed_at
            or (existing.observed_at is null and new_observations.observed_at is not null)
    {%- endif %}

)

select * from final
