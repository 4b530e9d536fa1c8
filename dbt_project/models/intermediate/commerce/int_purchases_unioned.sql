{{ config(materialized='view') }}

{#- Every purchase a profile made: Order Completed events and successful Stripe charges. A view: the orders
    are kept incrementally in int_order_purchases, and the charges (one row per payment, not per event) are
    profiled again on each read, so a refunded or re-linked charge is never stale. -#}

with orders as (

    select * from {{ ref('int_order_purchases') }}

),

charges as (

    select * from {{ ref('stg_stripe__charges') }}

),

identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

payments as (

    select
        charges.charge_id as purchase_id,
        'stripe_charge' as purchase_source,
        identifiers.profile_id,
        charges.created_at as purchased_at,
        {{ cents_to_amount('charges.amount_cents') }} as amount,
        upper(charges.currency) as currency
    from charges
    left join identifiers
        on
            identifiers.identifier_type = 'stripe_customer_id'
            and charges.customer_id = identifiers.identifier_value
    where charges.is_paid and charges.charge_status = 'succeeded'

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
