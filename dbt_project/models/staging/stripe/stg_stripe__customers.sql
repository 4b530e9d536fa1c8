with source as (

    select * from {{ source('raw_stripe', 'customers') }}

),

final as (

    select
        id as customer_id,
        email,
        name as customer_name,
        cast(created as {{ dbt.type_timestamp() }}) as created_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
