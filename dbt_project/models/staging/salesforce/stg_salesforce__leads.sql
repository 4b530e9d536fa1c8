with source as (

    select * from {{ source('raw_salesforce', 'leads') }}

),

final as (

    select
        id as lead_id,
        email,
        company,
        status as lead_status,
        converted_contact_id,
        cast(system_modstamp as {{ dbt.type_timestamp() }}) as modified_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
