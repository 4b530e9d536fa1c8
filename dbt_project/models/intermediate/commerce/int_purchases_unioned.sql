{{ config(materialized='view') }}

{#- Every purchase a profile made: Order Completed events and Stripe payments (int_stripe_payments: succeeded
    charges and invoices paid without one). A view: the orders are kept incrementally in int_order_purchases,
    and the payments (one row per payment, not per event) are profiled again on each read, so a refunded or
    re-linked payment is never stale. -#}

with orders as (

    select * from {{ ref('int_order_purchases') }}

),

stripe_payments as (

    select * from {{ ref('int_stripe_payments') }}

),

identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

payments as (

    select
        stripe_payments.payment_id as purchase_id,
        stripe_payments.payment_source as purchase_source,
        identifiers.profile_id,
        stripe_payments.paid_at as purchased_at,
        {{ cents_to_amount('stripe_payments.amount_cents') }} as amount,
        upper(stripe_payments.currency) as currency
    from stripe_payments
    left join identifiers
        on
            identifiers.identifier_type = 'stripe_customer_id'
            and stripe_payments.customer_id = identifiers.identifier_value

),

final as (

    select
        purchase_id,
        'order_completed' as purchase_source,
        profile_id,
        purchased_at,
        amount,
        currency
    from orders

    union all

    select
        purchase_id,
        purchase_source,
        profile_id,
        purchased_at,
        cast(amount as {{ type_double() }}) as amount,
        currency
    from payments

)

select * from final
