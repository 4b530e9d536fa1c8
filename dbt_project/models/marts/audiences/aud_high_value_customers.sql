{#- Customers whose lifetime Stripe revenue reaches var high_value_min_revenue: the seed list for lookalike
    audiences and VIP treatment, also exported as a CSV for the sales team. Minus suppressed profiles. -#}

with engagement as (

    select * from {{ ref('dim_profile_engagement') }}

),

profiles as (

    select * from {{ ref('dim_profiles') }}

),

suppressed as (

    select * from {{ ref('aud_open_ticket_suppression') }}

),

final as (

    select
        profiles.profile_id,
        profiles.email,
        profiles.phone,
        profiles.user_id,
        profiles.first_name,
        profiles.last_name,
        profiles.country,
        engagement.lifetime_revenue,
        engagement.last_purchase_at
    from engagement
    inner join profiles
        on engagement.profile_id = profiles.profile_id
    left join suppressed
        on engagement.profile_id = suppressed.profile_id
    where
        engagement.lifetime_revenue >= {{ var('high_value_min_revenue') }}
        and suppressed.profile_id is null

)

select * from final
