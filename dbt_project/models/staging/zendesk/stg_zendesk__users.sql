with source as (

    select * from {{ source('raw_zendesk', 'users') }}

),

final as (

    select
        id as zendesk_user_id,
        email,
        external_id,
        name as user_name,
        phone,
        organization_id,
        role as user_role,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
