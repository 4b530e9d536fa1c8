{{
    config(
        materialized=recomputed_materialization(),
        incremental_strategy='changed_rows',
        unique_key=['profile_id', 'identifier_type', 'identifier_value'],
    )
}}

{#- Identifiers identified with several user ids, such as a family's or a team's shared email or a shared
    tablet: one row per profile of those user ids, so each of them holds the identifier (an email-keyed
    destination reaches every one) while int_identifiers_stitched keeps one profile per identifier for looking
    events up. Recomputed on every run from the few identifiers stitching counted as shared. -#}

with identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

observations as (

    select * from {{ ref('int_identifiers_observed') }}

),

shared_identifiers as (

    select
        identifier_type,
        identifier_value
    from identifiers
    where identified_user_ids > 1

),

shared_records as (

    select
        observations.record_id,
        observations.identifier_type,
        observations.identifier_value,
        observations.observed_at
    from observations
    inner join shared_identifiers
        on
            observations.identifier_type = shared_identifiers.identifier_type
            and observations.identifier_value = shared_identifiers.identifier_value

),

holders as (

    select
        shared_records.identifier_type,
        shared_records.identifier_value,
        record_users.identifier_value as user_id,
        min(shared_records.observed_at) as first_seen_at
    from shared_records
    inner join observations as record_users
        on
            shared_records.record_id = record_users.record_id
            and record_users.identifier_type = 'user_id'
    group by shared_records.identifier_type, shared_records.identifier_value, record_users.identifier_value

),

final as (

    select
        user_profiles.profile_id,
        holders.identifier_type,
        holders.identifier_value,
        holders.user_id,
        holders.first_seen_at
    from holders
    inner join identifiers as user_profiles
        on
            user_profiles.identifier_type = 'user_id'
            and holders.user_id = user_profiles.identifier_value

)

select * from final
