with source as (

    select * from {{ source('raw_zendesk', 'organizations') }}

),

final as (

    select
        id as organization_id,
        name as organization_name,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
