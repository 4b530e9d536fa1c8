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
        cast({{ json_text('data', 'total') }} as {{ dbt.type_bigint() }}) as total_cents,
        lower(currency) as currency,
        coalesce({{ json_text('data', 'charge.id') }}, {{ json_text('data', 'charge') }}) as charge_id,
        lower(coalesce({{ json_text('data', 'paid_out_of_band') }}, 'false')) = 'true' as is_paid_out_of_band,
        cast(created as {{ dbt.type_timestamp() }}) as created_at,
        {{ epoch_seconds_to_timestamp(json_text('data', 'status_transitions.paid_at')) }} as paid_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
