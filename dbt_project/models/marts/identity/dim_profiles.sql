{{ config(unique_key='profile_id') }}

{#- One row per profile with the identifiers and contact details a destination can match on. The email is
    the earliest-seen email the profile holds (a shared email is held by every profile identified with it);
    phone and names come from the latest identify, then Salesforce, then Zendesk. -#}

with identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

held_identifiers as (

    select * from {{ ref('dim_profile_identifiers') }}

),

identifies as (

    select * from {{ ref('stg_events__identifies') }}

),

salesforce_contacts as (

    select * from {{ ref('stg_salesforce__contacts') }}

),

zendesk_users as (

    select * from {{ ref('stg_zendesk__users') }}

),

ranked_identifiers as (

    select
        profile_id,
        type as identifier_type,
        value as identifier_value,
        first_seen_at,
        row_number() over (partition by profile_id, type order by first_seen_at, value) as rank_in_type
    from held_identifiers
    where type in ('user_id', 'email')

),

profile_ids as (

    select
        profile_id,
        min(profile_anchor) as profile_anchor
    from identifiers
    group by profile_id

),

identifier_counts as (

    select
        profile_id,
        min(first_seen_at) as first_seen_at,
        count(*) as identifier_count,
        count(case when type = 'anonymous_id' then 1 end) as anonymous_id_count
    from held_identifiers
    group by profile_id

),

identify_traits as (

    select
        coalesce(by_user_id.profile_id, by_anonymous_id.profile_id) as profile_id,
        identifies.phone,
        identifies.first_name,
        identifies.last_name,
        identifies.country,
        identifies.occurred_at
    from identifies
    left join identifiers as by_user_id
        on
            by_user_id.identifier_type = 'user_id'
            and {{ clean_identifier('identifies.user_id') }} = by_user_id.identifier_value
    left join identifiers as by_anonymous_id
        on
            by_anonymous_id.identifier_type = 'anonymous_id'
            and {{ clean_identifier('identifies.anonymous_id') }} = by_anonymous_id.identifier_value

),

latest_traits as (

    select
        profile_id,
        max(phone) as phone,
        max(first_name) as first_name,
        max(last_name) as last_name,
        max(country) as country
    from (
        select
            profile_id,
            first_value(phone) over (
                partition by profile_id order by case when phone is null then 1 else 0 end, occurred_at desc
            ) as phone,
            first_value(first_name) over (
                partition by profile_id order by case when first_name is null then 1 else 0 end, occurred_at desc
            ) as first_name,
            first_value(last_name) over (
                partition by profile_id order by case when last_name is null then 1 else 0 end, occurred_at desc
            ) as last_name,
            first_value(country) over (
                partition by profile_id order by case when country is null then 1 else 0 end, occurred_at desc
            ) as country
        from identify_traits
        where profile_id is not null
    ) as ordered_traits
    group by profile_id

),

salesforce_details as (

    select
        identifiers.profile_id,
        max(salesforce_contacts.phone) as phone,
        max(salesforce_contacts.first_name) as first_name,
        max(salesforce_contacts.last_name) as last_name
    from salesforce_contacts
    inner join identifiers
        on
            identifiers.identifier_type = 'salesforce_contact_id'
            and salesforce_contacts.contact_id = identifiers.identifier_value
    group by identifiers.profile_id

),

zendesk_details as (

    select
        identifiers.profile_id,
        max(zendesk_users.phone) as phone
    from zendesk_users
    inner join identifiers
        on
            identifiers.identifier_type = 'zendesk_user_id'
            and cast(zendesk_users.zendesk_user_id as {{ dbt.type_string() }}) = identifiers.identifier_value
    group by identifiers.profile_id

),

final as (

    select
        profile_ids.profile_id,
        profile_ids.profile_anchor,
        user_ids.identifier_value as user_id,
        emails.identifier_value as email,
        coalesce(latest_traits.phone, salesforce_details.phone, zendesk_details.phone) as phone,
        coalesce(latest_traits.first_name, salesforce_details.first_name) as first_name,
        coalesce(latest_traits.last_name, salesforce_details.last_name) as last_name,
        latest_traits.country,
        identifier_counts.identifier_count,
        identifier_counts.anonymous_id_count,
        identifier_counts.first_seen_at
    from profile_ids
    inner join identifier_counts
        on profile_ids.profile_id = identifier_counts.profile_id
    left join ranked_identifiers as user_ids
        on
            profile_ids.profile_id = user_ids.profile_id
            and user_ids.identifier_type = 'user_id'
            and user_ids.rank_in_type = 1
    left join ranked_identifiers as emails
        on
            profile_ids.profile_id = emails.profile_id
            and emails.identifier_type = 'email'
            and emails.rank_in_type = 1
    left join latest_traits
        on profile_ids.profile_id = latest_traits.profile_id
    left join salesforce_details
        on profile_ids.profile_id = salesforce_details.profile_id
    left join zendesk_details
        on profile_ids.profile_id = zendesk_details.profile_id

)

select * from final
