{#- Every purchase a profile made: Order Completed events and successful Stripe charges. -#}

with interaction_events as (

    select * from {{ ref('int_interaction_events_profiled') }}

),

charges as (

    select * from {{ ref('stg_stripe__charges') }}

),

identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

orders as (

    select
        message_id as purchase_id,
        'order_completed' as purchase_source,
        profile_id,
        occurred_at as purchased_at,
        revenue as amount,
        currency
    from interaction_events
    where action = 'Order Completed'

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
        purchase_source,
        profile_id,
        purchased_at,
        cast(amount as {{ type_double() }}) as amount,
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
