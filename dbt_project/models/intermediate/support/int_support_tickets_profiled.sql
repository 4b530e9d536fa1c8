{{
    config(
        materialized='incremental',
        incremental_strategy='changed_rows',
        unique_key='ticket_id',
        on_schema_change='fail',
    )
}}

{#- Zendesk tickets with the requester's profile. -#}

with tickets as (

    select * from {{ ref('stg_zendesk__tickets') }}

),

identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

final as (

    select
        tickets.ticket_id,
        tickets.requester_id,
        identifiers.profile_id,
        tickets.ticket_status,
        tickets.ticket_priority,
        tickets.created_at,
        tickets.updated_at
    from tickets
    left join identifiers
        on
            identifiers.identifier_type = 'zendesk_user_id'
            and cast(tickets.requester_id as {{ dbt.type_string() }}) = identifiers.identifier_value

)

select * from final
