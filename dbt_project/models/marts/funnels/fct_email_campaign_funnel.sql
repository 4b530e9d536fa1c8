{{ config(unique_key='campaign_key') }}

{#- The email funnel per campaign over its whole life (until as_of): event counts, and people counted once per
    campaign (someone who opened on two days, or in two variations, is one opener), with the rates between
    steps dividing like by like. -#}

with daily_counts as (

    select * from {{ ref('int_campaign_daily_counts') }}
    where channel = 'email' and {{ day_before_as_of('event_date') }}

),

campaign_recipients as (

    select * from {{ ref('int_campaign_recipients') }}

),

recipient_profiles as (

    select * from {{ ref('int_interaction_recipients_profiled') }}

),

conversions as (

    select * from {{ ref('int_email_conversions_attributed') }}

),

summed_counts as (

    select
        daily_counts.source_name,
        daily_counts.campaign_id,
        max(daily_counts.campaign_name) as campaign_name,
        min(daily_counts.first_event_at) as first_event_at,
        max(daily_counts.last_event_at) as last_event_at,
        {{ email_funnel_sums('daily_counts') }}
    from daily_counts
    group by daily_counts.source_name, daily_counts.campaign_id

),

people as (

    {{ campaign_people('campaign_recipients', 'recipient_profiles', 'email', by_variation=false) }}

),

people_converted as (

    select
        people.*,
        conversions.purchase_id as conversion_purchase_id,
        conversions.amount as conversion_amount
    from people
    left join conversions
        on
            people.source_name = conversions.source_name
            and people.campaign_id = conversions.campaign_id
            and people.profile_id = conversions.profile_id

),

people_counts as (

    select
        people_converted.source_name,
        people_converted.campaign_id,
        {{ email_funnel_people('people_converted') }}
    from people_converted
    group by people_converted.source_name, people_converted.campaign_id

),

final as (

    select
        {{ surrogate_key(['summed_counts.source_name', 'summed_counts.campaign_id']) }} as campaign_key,
        summed_counts.*,
        {{ email_funnel_columns('people_counts') }}
    from summed_counts
    left join people_counts
        on
            summed_counts.source_name = people_counts.source_name
            and summed_counts.campaign_id = people_counts.campaign_id

)

select * from final
