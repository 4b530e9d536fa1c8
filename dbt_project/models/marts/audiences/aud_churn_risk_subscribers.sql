{#- Paying subscribers who went quiet: an active or past-due Stripe subscription, but no human engagement
    (human email open, click, tap, visit, chat, survey answer, order) within var churn_risk_inactive_days of
    as_of; their automatic renewal charges do not count as engagement. Reaching them before renewal is cheaper
    than winning them back after cancellation. The subscription's status is the one it has now (Stripe keeps no
    history of it). Minus suppressed profiles and the contact details they share
    (dim_profile_marketing_contacts). -#}

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
        engagement.subscription_status,
        engagement.mrr,
        engagement.last_human_engagement_at
    from engagement
    inner join contacts
        on engagement.profile_id = contacts.profile_id
    where
        engagement.subscription_status in ('active', 'past_due')
        and (
            engagement.last_human_engagement_at is null
            or engagement.last_human_engagement_at < {{ days_before_as_of(var('churn_risk_inactive_days')) }}
        )

)

select * from final
