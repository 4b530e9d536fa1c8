{#- People worth winning back: no purchase and no visit (page view, screen view or app open) within
    var reengagement_inactivity_days, yet at least one human email open (machine opens excluded) within
    var reengagement_open_days, both counted back from as_of. Suppressed profiles (open support tickets) are
    removed, and so are emails and phones a suppressed profile shares (dim_profile_marketing_contacts). A member
    without an email or a phone stays in: destinations send what they can match and report the rest. -#}

with engagement as (

    select * from {{ ref('dim_profile_engagement') }}

),

contacts as (

    select * from {{ ref('dim_profile_marketing_contacts') }}

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
        contacts.profile_id,
        contacts.email,
        contacts.phone,
        contacts.user_id,
        contacts.first_name,
        contacts.last_name,
        contacts.country,
        eligible.last_human_email_open_at,
        eligible.last_purchase_at,
        eligible.last_visit_at
    from eligible
    inner join contacts
        on eligible.profile_id = contacts.profile_id

)

select * from final
