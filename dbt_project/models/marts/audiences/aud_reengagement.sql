{#- People worth winning back: no purchase and no visit (page, screen, app open) within
    var reengagement_inactivity_days, yet at least one human email open (machine opens excluded) within
    var reengagement_open_days, both counted back from as_of. Suppressed profiles (open support tickets) are
    removed; a member needs an email or a phone for the ad platforms to match. -#}

with engagement as (

    select * from {{ ref('dim_profile_engagement') }}

),

profiles as (

    select * from {{ ref('dim_profiles') }}

),

suppressed as (

    select * from {{ ref('aud_open_ticket_suppression') }}

),

eligible as (

    select
        profile_id,
        last_human_email_open_at,
        last_purchase_at,
        last_visit_at
    from engagement
    where
        last_human_email_open_at >= {{ days_before_as_of(var('reengagement_open_days')) }}
        and (
            last_purchase_at is null
            or last_purchase_at < {{ days_before_as_of(var('reengagement_inactivity_days')) }}
        )
        and (
            last_visit_at is null
            or last_visit_at < {{ days_before_as_of(var('reengagement_inactivity_days')) }}
        )

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
        eligible.last_human_email_open_at,
        eligible.last_purchase_at,
        eligible.last_visit_at
    from eligible
    inner join profiles
        on eligible.profile_id = profiles.profile_id
    left join suppressed
        on eligible.profile_id = suppressed.profile_id
    where
        suppressed.profile_id is null
        and (profiles.email is not null or profiles.phone is not null)

)

select * from final
