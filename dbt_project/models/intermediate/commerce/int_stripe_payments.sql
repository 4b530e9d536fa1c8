{{ config(materialized='view') }}

{#- Every Stripe payment, once: each succeeded charge, and each paid invoice that no succeeded charge belongs to
    (paid out of band, or from the customer's credit balance, so Stripe made no charge). An invoice paid by a
    charge is that charge: the two are linked from either side (the charge's `invoice`, the invoice's `charge`),
    and the charge is what counts. A view: the object tables are small and hold the latest state, so a refund
    or an invoice marked paid is never stale. -#}

with charges as (

    select * from {{ ref('stg_stripe__charges') }}

),

invoices as (

    select * from {{ ref('stg_stripe__invoices') }}

),

succeeded_charges as (

    select *
    from charges
    where is_paid and charge_status = 'succeeded'

),

charged_invoices as (

    select invoice_id
    from succeeded_charges
    where invoice_id is not null

    union

    select invoices.invoice_id
    from invoices
    inner join succeeded_charges
        on invoices.charge_id = succeeded_charges.charge_id

),

invoices_paid_without_charge as (

    -- What was paid: Stripe's amount_paid, else the amount that was due (an invoice marked paid out of band),
    -- else its total (all of it came from the credit balance). Invoices of nothing (a free trial) are no payment.
    select
        invoices.invoice_id,
        invoices.customer_id,
        coalesce(invoices.paid_at, invoices.created_at) as paid_at,
        coalesce(
            nullif(invoices.amount_paid_cents, 0), nullif(invoices.amount_due_cents, 0), invoices.total_cents
        ) as amount_cents,
        invoices.currency
    from invoices
    left join charged_invoices
        on invoices.invoice_id = charged_invoices.invoice_id
    where invoices.invoice_status = 'paid' and charged_invoices.invoice_id is null

),

final as (

    select
        charge_id as payment_id,
        'stripe_charge' as payment_source,
        customer_id,
        created_at as paid_at,
        amount_cents,
        currency
    from succeeded_charges

    union all

    select
        invoice_id as payment_id,
        'stripe_invoice' as payment_source,
        customer_id,
        paid_at,
        amount_cents,
        currency
    from invoices_paid_without_charge
    where amount_cents > 0

)

select * from final
