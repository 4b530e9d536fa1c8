with source as (

    select * from {{ source('raw_stripe', 'products') }}

),

final as (

    select
        id as product_id,
        name as product_name,
        active as is_active,
        cast(created as {{ dbt.type_timestamp() }}) as created_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
