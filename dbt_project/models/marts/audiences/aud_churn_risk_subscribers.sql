{#- Paying subscribers who went quiet: an active or past-due Stripe subscription, but no human engagement
    (human email open, click, tap, visit, chat, survey answer, order) within var churn_risk_inactive_days of
    as_of; their automatic renewal charges do not count as engagement. Reaching them before renewal is cheaper
    than winning them back after cancellation. Minus suppressed profiles. -#}

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
        engagement.subscription_status,
        engagement.mrr,
        engagement.last_human_engagement_at
    from engagement
    inner join profiles
        on engagement.profile_id = profiles.profile_id
    left join suppressed
        on engagement.profile_id = suppressed.profile_id
    where
        engagement.subscription_status in ('active', 'past_due')
        and (
            engagement.last_human_engagement_at is null
            or engagement.last_human_engagement_at < {{ days_before_as_of(var('churn_risk_inactive_days')) }}
        )
        and suppressed.profile_id is null

)

select * from final
