{{
    config(
        incremental_strategy='changed_rows',
        unique_key='recipient_id',
    )
}}

{#- Interaction recipients with the profile they belong to (the user id's, else the email's, else the anonymous
    id's), the same rule as int_interaction_events_profiled. Rebuilt every run, so identity changes apply at
    once: it is small (one row per distinct recipient), and the incremental marts look their rows' profiles up
    here by recipient_id instead of joining the identity tables to every event. -#}

with recipients as (

    select * from {{ ref('int_interaction_recipients') }}

),

identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

final as (

    {{ select_with_recipient_profile('recipients', 'identifiers') }}

)

select * from final
