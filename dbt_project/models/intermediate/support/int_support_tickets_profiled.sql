{{
    config(
        materialized=recomputed_materialization(),
        incremental_strategy='changed_rows',
        unique_key='ticket_id',
    )
}}

{#- Zendesk tickets with the requester's profile. Recomputed on every run, since stitching may move a requester
    to another profile; only the rows that changed are written. -#}

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
