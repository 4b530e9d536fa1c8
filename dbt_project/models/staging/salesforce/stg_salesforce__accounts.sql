with source as (

    select * from {{ source('raw_salesforce', 'accounts') }}

),

final as (

    select
        id as account_id,
        name as account_name,
        industry,
        cast(created_date as {{ dbt.type_timestamp() }}) as created_at,
        cast(system_modstamp as {{ dbt.type_timestamp() }}) as modified_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
