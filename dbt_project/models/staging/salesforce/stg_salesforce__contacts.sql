with source as (

    select * from {{ source('raw_salesforce', 'contacts') }}

),

final as (

    select
        id as contact_id,
        account_id,
        email,
        first_name,
        last_name,
        phone,
        cast(system_modstamp as {{ dbt.type_timestamp() }}) as modified_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
