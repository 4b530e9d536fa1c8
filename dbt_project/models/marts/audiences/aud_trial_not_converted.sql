{#- Trials that ended recently without a single successful payment: the cheapest customers to win, since
    they already chose the product once. A Stripe subscription whose trial ended within
    var trial_ended_within_days of as_of, not live now, on a profile with no successful charge ever; minus
    suppressed profiles. -#}

with subscriptions as (

    select * from {{ ref('int_subscriptions_priced') }}

),

engagement as (

    select * from {{ ref('dim_profile_engagement') }}

),

profiles as (

    select * from {{ ref('dim_profiles') }}

),

suppressed as (

    select * from {{ ref('aud_open_ticket_suppression') }}

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
        and trial_ended_at <= {{ as_of_timestamp() }}
    group by profile_id

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
        ended_trials.trial_ended_at
    from ended_trials
    inner join profiles
        on ended_trials.profile_id = profiles.profile_id
    inner join engagement
        on ended_trials.profile_id = engagement.profile_id
    left join suppressed
        on ended_trials.profile_id = suppressed.profile_id
    where
        engagement.lifetime_revenue = 0
        and suppressed.profile_id is null

)

select * from final
