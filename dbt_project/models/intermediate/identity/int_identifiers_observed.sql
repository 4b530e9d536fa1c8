{{ config(materialized='view') }}

{#- Every identifier seen, one row per (record, identifier). A record is anything that asserts "these
    identifiers are one person": a distinct set of cleaned ids on messages (int_identifiers_observed_in_events),
    a Stripe customer, a Zendesk user, a Salesforce contact or lead. Values are cleaned first: blocked
    placeholders never link anything. A view: only int_identifiers_stitched reads it, once per run. -#}

with event_observations as (

    select * from {{ ref('int_identifiers_observed_in_events') }}

),

stripe_customers as (

    select * from {{ ref('stg_stripe__customers') }}

),

zendesk_users as (

    select * from {{ ref('stg_zendesk__users') }}

),

salesforce_contacts as (

    select * from {{ ref('stg_salesforce__contacts') }}

),

salesforce_leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

observations as (

    select
        record_id,
        identifier_type,
        identifier_value,
        observed_at
    from event_observations

    union all

    select
        'stripe:' || customer_id as record_id,
        'stripe_customer_id' as identifier_type,
        customer_id as identifier_value,
        created_at as observed_at
    from stripe_customers

    union all

    select
        'stripe:' || customer_id as record_id,
        'email' as identifier_type,
        {{ clean_email('email') }} as identifier_value,
        created_at as observed_at
    from stripe_customers
    where {{ clean_email('email') }} is not null

    union all

    select
        'zendesk:' || cast(zendesk_user_id as {{ dbt.type_string() }}) as record_id,
        'zendesk_user_id' as identifier_type,
        cast(zendesk_user_id as {{ dbt.type_string() }}) as identifier_value,
        created_at as observed_at
    from zendesk_users

    union all

    select
        'zendesk:' || cast(zendesk_user_id as {{ dbt.type_string() }}) as record_id,
        'user_id' as identifier_type,
        {{ clean_identifier('external_id') }} as identifier_value,
        created_at as observed_at
    from zendesk_users
    where {{ clean_identifier('external_id') }} is not null

    union all

    select
        'zendesk:' || cast(zendesk_user_id as {{ dbt.type_string() }}) as record_id,
        'email' as identifier_type,
        {{ clean_email('email') }} as identifier_value,
        created_at as observed_at
    from zendesk_users
    where {{ clean_email('email') }} is not null

    union all

    select
        'salesforce_contact:' || contact_id as record_id,
        'salesforce_contact_id' as identifier_type,
        contact_id as identifier_value,
        modified_at as observed_at
    from salesforce_contacts

    union all

    select
        'salesforce_contact:' || contact_id as record_id,
        'email' as identifier_type,
        {{ clean_email('email') }} as identifier_value,
        modified_at as observed_at
    from salesforce_contacts
    where {{ clean_email('email') }} is not null

    union all

    select
        'salesforce_lead:' || lead_id as record_id,
        'salesforce_lead_id' as identifier_type,
        lead_id as identifier_value,
        modified_at as observed_at
    from salesforce_leads

    union all

    select
        'salesforce_lead:' || lead_id as record_id,
        'email' as identifier_type,
        {{ clean_email('email') }} as identifier_value,
        modified_at as observed_at
    from salesforce_leads
    where {{ clean_email('email') }} is not null

),

final as (

    select distinct
        record_id,
        identifier_type,
        identifier_value,
        observed_at
    from observations

)

select * from final
