{#- Customers whose lifetime Stripe revenue (every payment before as_of) reaches var high_value_min_revenue: the
    seed list for lookalike audiences and VIP treatment, also exported as a CSV for the sales team. Minus
    suppressed profiles and the contact details they share (dim_profile_marketing_contacts). -#}

with engagement as (

    select * from {{ ref('dim_profile_engagement') }}

),

contacts as (

    select * from {{ ref('dim_profile_marketing_contacts') }}

),

final as (

    select
        contacts.profile_id,
        contacts.email,
        contacts.phone,
        contacts.user_id,
        contacts.first_name,
        contacts.last_name,
        contacts.country,
        engagement.lifetime_revenue,
        engagement.last_purchase_at
    from engagement
    inner join contacts
        on engagement.profile_id = contacts.profile_id
    where engagement.lifetime_revenue >= {{ var('high_value_min_revenue') }}

)

select * from final
