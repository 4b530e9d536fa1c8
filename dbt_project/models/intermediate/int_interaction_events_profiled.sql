{{ config(materialized='view') }}

{#- Interaction events with the profile they belong to: the user id's profile, else the email's, else the
    anonymous id's. A view, so identity changes apply to history without rebuilding the event table. -#}

with interaction_events as (

    select * from {{ ref('int_interaction_events') }}

),

identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

final as (

    select
        interaction_events.*,
        coalesce(by_user_id.profile_id, by_email.profile_id, by_anonymous_id.profile_id) as profile_id
    from interaction_events
    left join identifiers as by_user_id
        on
            by_user_id.identifier_type = 'user_id'
            and interaction_events.user_id = by_user_id.identifier_value
    left join identifiers as by_email
        on
            by_email.identifier_type = 'email'
            and interaction_events.email = by_email.identifier_value
    left join identifiers as by_anonymous_id
        on
            by_anonymous_id.identifier_type = 'anonymous_id'
            and interaction_events.anonymous_id = by_anonymous_id.identifier_value

)

select * from final
