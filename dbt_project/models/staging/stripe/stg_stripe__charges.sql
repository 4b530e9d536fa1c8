with source as (

    select * from {{ source('raw_stripe', 'charges') }}

),

final as (

    select
        id as charge_id,
        customer_id,
        invoice_id,
        amount as amount_cents,
        lower(currency) as currency,
        status as charge_status,
        paid as is_paid,
        cast(created as {{ dbt.type_timestamp() }}) as created_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
