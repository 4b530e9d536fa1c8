{{ config(materialized='view') }}

{#- Every identifier each profile holds. Most identifiers belong to one profile (int_identifiers_stitched's rows,
    renamed, so the warehouse does not store them twice); an identifier shared by several user ids, such as a
    family's email, is held by each of their profiles (int_identifiers_shared). -#}

with identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

shared_identifiers as (

    select * from {{ ref('int_identifiers_shared') }}

),

final as (

    select
        profile_id,
        identifier_type as type,
        identifier_value as value,
        first_seen_at
    from identifiers

    union all

    select
        shared_identifiers.profile_id,
        shared_identifiers.identifier_type as type,
        shared_identifiers.identifier_value as value,
        shared_identifiers.first_seen_at
    from shared_identifiers
    inner join identifiers
        on
            shared_identifiers.identifier_type = identifiers.identifier_type
            and shared_identifiers.identifier_value = identifiers.identifier_value
    where shared_identifiers.profile_id <> identifiers.profile_id

)

select * from final
