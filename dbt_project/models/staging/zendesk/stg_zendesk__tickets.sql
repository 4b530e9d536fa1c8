with source as (

    select * from {{ source('raw_zendesk', 'tickets') }}

),

final as (

    select
        id as ticket_id,
        requester_id,
        organization_id,
        lower(status) as ticket_status,
        priority as ticket_priority,
        subject as ticket_subject,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
