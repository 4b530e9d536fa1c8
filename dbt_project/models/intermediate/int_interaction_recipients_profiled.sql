{{ config(materialized='view') }}

{#- Interaction recipients with the profile they belong to (the user id's, else the email's, else the anonymous
    id's), the same rule as int_interaction_events_profiled. A view, so identity changes apply at once. -#}

with recipients as (

    select * from {{ ref('int_interaction_recipients') }}

),

identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

final as (

    select
        recipients.*,
        {{ profile_of_recipient('recipients', 'identifiers') }} as profile_id
    from recipients
    {{ profile_of_recipient_joins('recipients', 'identifiers') }}

)

select * from final
