with source as (

    select * from {{ source('raw_stripe', 'prices') }}

),

final as (

    select
        id as price_id,
        product_id,
        unit_amount as unit_amount_cents,
        lower(currency) as currency,
        recurring_interval,
        cast(created as {{ dbt.type_timestamp() }}) as created_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
