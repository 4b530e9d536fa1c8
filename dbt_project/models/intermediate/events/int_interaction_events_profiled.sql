{{ config(materialized='view') }}

{#- Interaction events with the profile they belong to: the user id's profile, else a known person's device's,
    else the email's, else the anonymous id's (the rule of macro select_with_recipient_profile). A view, for exploring events by profile: identity
    changes apply to history without rebuilding the event table. The marts do not read it; they keep each row's
    recipient and look its profile up in int_interaction_recipients_profiled. -#}

with interaction_events as (

    select * from {{ ref('int_interaction_events') }}

),

identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

final as (

    {{ select_with_recipient_profile('interaction_events', 'identifiers') }}

)

select * from final
