{#- Trials that ended recently without a single successful payment: the cheapest customers to win, since
    they already chose the product once. A Stripe subscription whose trial ended within
    var trial_ended_within_days before as_of, not live now, on a profile with no Stripe payment before as_of; minus
    suppressed profiles and the contact details they share (dim_profile_marketing_contacts). -#}

with subscriptions as (

    select * from {{ ref('int_subscriptions_priced') }}

),

engagement as (

    select * from {{ ref('dim_profile_engagement') }}

),

contacts as (

    select * from {{ ref('dim_profile_marketing_contacts') }}

),

ended_trials as (

    select
        profile_id,
        max(trial_ended_at) as trial_ended_at
    from subscriptions
    where
        profile_id is not null
        and not is_live
        and trial_ended_at >= {{ days_before_as_of(var('trial_ended_within_days')) }}
        and {{ before_as_of('trial_ended_at') }}
        and {{ before_as_of('created_at') }}
    group by profile_id

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
        ended_trials.trial_ended_at
    from ended_trials
    inner join contacts
        on ended_trials.profile_id = contacts.profile_id
    inner join engagement
        on ended_trials.profile_id = engagement.profile_id
    where engagement.lifetime_revenue = 0

)

select * from final
