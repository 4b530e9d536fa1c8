with source as (

    select * from {{ source('raw_stripe', 'invoices') }}

),

final as (

    select
        id as invoice_id,
        customer_id,
        subscription_id,
        status as invoice_status,
        amount_due as amount_due_cents,
        amount_paid as amount_paid_cents,
        lower(currency) as currency,
        cast(created as {{ dbt.type_timestamp() }}) as created_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
