{{ config(unique_key='profile_id') }}

{#- The contact details marketing may use, one row per profile that is not suppressed (an open support ticket,
    aud_open_ticket_suppression). Suppression wins: an email or phone that a suppressed profile holds as well,
    such as a family's shared email, is left out, so no marketing audience reaches the suppressed person
    through someone else's row; a profile whose first email is left out offers its next one. Contact details
    may be null: audiences keep such members, and destinations report whom they could not match. -#}

with profiles as (

    select * from {{ ref('dim_profiles') }}

),

held_identifiers as (

    select * from {{ ref('dim_profile_identifiers') }}

),

suppressed as (

    select * from {{ ref('aud_open_ticket_suppression') }}

),

suppressed_emails as (

    select distinct held_identifiers.value as email
    from held_identifiers
    inner join suppressed
        on held_identifiers.profile_id = suppressed.profile_id
    where held_identifiers.type = 'email'

),

suppressed_phones as (

    select distinct {{ digits_only('phone') }} as phone_digits
    from suppressed
    where {{ digits_only('phone') }} <> ''

),

profiles_losing_their_email as (

    select profiles.profile_id
    from profiles
    inner join suppressed_emails
        on profiles.email = suppressed_emails.email

),

next_emails as (

    -- The earliest of their other emails that no suppressed profile holds.
    select
        held_identifiers.profile_id,
        held_identifiers.value as email,
        row_number() over (
            partition by held_identifiers.profile_id order by held_identifiers.first_seen_at, held_identifiers.value
        ) as email_rank
    from held_identifiers
    inner join profiles_losing_their_email
        on held_identifiers.profile_id = profiles_losing_their_email.profile_id
    left join suppressed_emails
        on held_identifiers.value = suppressed_emails.email
    where held_identifiers.type = 'email' and suppressed_emails.email is null

),

final as (

    select
        profiles.profile_id,
        case
            when profiles_losing_their_email.profile_id is null then profiles.email else next_emails.email
        end as email,
        case when suppressed_phones.phone_digits is null then profiles.phone end as phone,
        profiles.user_id,
        profiles.first_name,
        profiles.last_name,
        profiles.country
    from profiles
    left join suppressed
        on profiles.profile_id = suppressed.profile_id
    left join profiles_losing_their_email
        on profiles.profile_id = profiles_losing_their_email.profile_id
    left join next_emails
        on profiles.profile_id = next_emails.profile_id and next_emails.email_rank = 1
    left join suppressed_phones
        on {{ digits_only('profiles.phone') }} = suppressed_phones.phone_digits
    where suppressed.profile_id is null

)

select * from final
