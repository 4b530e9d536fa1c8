{{ config(unique_key='funnel_day_key') }}

{#- The email funnel per campaign, message variation and day (UTC). Event counts (sent, delivered, opens,
    clicks, unsubscribes, spam reports) are the events of that day; opens flagged as machine opens are counted
    apart and never as engagement. People (unique sends, deliveries, bounces, openers, clickers, conversions)
    and the rates between steps follow the people the campaign first reached that day, whenever they went on to
    open, click or buy, so every rate divides like by like. Only what happened before as_of counts. -#}

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
        daily_counts.message_variation_id,
        max(daily_counts.message_variation_name) as message_variation_name,
        daily_counts.event_date,
        {{ email_funnel_sums('daily_counts') }}
    from daily_counts
    group by
        daily_counts.source_name,
        daily_counts.campaign_id,
        daily_counts.message_variation_id,
        daily_counts.event_date

),

people as (

    {{ campaign_people('campaign_recipients', 'recipient_profiles', 'email') }}

),

people_converted as (

    -- A conversion belongs to the variation of the touch it is credited to.
    select
        people.*,
        cast(people.first_reached_at as date) as reached_on,
        conversions.purchase_id as conversion_purchase_id,
        conversions.amount as conversion_amount
    from people
    left join conversions
        on
            people.source_name = conversions.source_name
            and people.campaign_id = conversions.campaign_id
            and coalesce(people.message_variation_id, '') = coalesce(conversions.message_variation_id, '')
            and people.profile_id = conversions.profile_id

),

people_counts as (

    select
        people_converted.source_name,
        people_converted.campaign_id,
        people_converted.message_variation_id,
        people_converted.reached_on,
        {{ email_funnel_people('people_converted') }}
    from people_converted
    group by
        people_converted.source_name,
        people_converted.campaign_id,
        people_converted.message_variation_id,
        people_converted.reached_on

),

final as (

    select
        {{ surrogate_key([
            'summed_counts.source_name', 'summed_counts.campaign_id', 'summed_counts.message_variation_id',
            'summed_counts.event_date'
        ]) }} as funnel_day_key,
        summed_counts.*,
        {{ email_funnel_columns('people_counts') }}
    from summed_counts
    left join people_counts
        on
            summed_counts.source_name = people_counts.source_name
            and summed_counts.campaign_id = people_counts.campaign_id
            and coalesce(summed_counts.message_variation_id, '') = coalesce(people_counts.message_variation_id, '')
            and summed_counts.event_date = people_counts.reached_on

)

select * from final
