{{ config(unique_key='funnel_day_key') }}

{#- Push per campaign and day: sent → received → tapped, plus bounces. Event counts are the events of that day;
    people and rates follow the people the campaign first reached that day, so a rate divides like by like (of
    the people sent a push, those who tapped it). Braze reports no "received" step, so tap rates are given
    against both sent and received; a rate is null when nobody reached its denominator. Only what happened
    before as_of counts. -#}

with daily_counts as (

    select * from {{ ref('int_campaign_daily_counts') }}
    where channel = 'push' and {{ day_before_as_of('event_date') }}

),

campaign_recipients as (

    select * from {{ ref('int_campaign_recipients') }}

),

recipient_profiles as (

    select * from {{ ref('int_interaction_recipients_profiled') }}

),

summed_counts as (

    select
        source_name,
        campaign_id,
        max(campaign_name) as campaign_name,
        event_date,
        {{ sum_where('event_count', "action = 'Push Notification Sent'") }} as sent,
        {{ sum_where('event_count', "action = 'Push Notification Received'") }} as received,
        {{ sum_where('event_count', "action = 'Push Notification Tapped'") }} as tapped,
        {{ sum_where('event_count', "action = 'Push Notification Bounced'") }} as bounced
    from daily_counts
    group by source_name, campaign_id, event_date

),

people as (

    {{ campaign_people('campaign_recipients', 'recipient_profiles', 'push', by_variation=false) }}

),

people_counts as (

    select
        people.source_name,
        people.campaign_id,
        cast(people.first_reached_at as date) as reached_on,
        {{ people_reaching('people', 'sent') }} as unique_sends,
        {{ people_reaching('people', 'delivered') }} as unique_receipts,
        {{ people_reaching('people', 'opened') }} as unique_tappers,
        {{ people_rate('people', 'delivered', 'sent') }} as receive_rate,
        {{ people_rate('people', 'opened', 'sent') }} as tap_rate_of_sent,
        {{ people_rate('people', 'opened', 'delivered') }} as tap_rate_of_received
    from people
    group by people.source_name, people.campaign_id, cast(people.first_reached_at as date)

),

final as (

    select
        {{ surrogate_key(['summed_counts.source_name', 'summed_counts.campaign_id', 'summed_counts.event_date']) }}
            as funnel_day_key,
        summed_counts.*,
        coalesce(people_counts.unique_sends, 0) as unique_sends,
        coalesce(people_counts.unique_receipts, 0) as unique_receipts,
        coalesce(people_counts.unique_tappers, 0) as unique_tappers,
        people_counts.receive_rate,
        people_counts.tap_rate_of_sent,
        people_counts.tap_rate_of_received
    from summed_counts
    left join people_counts
        on
            summed_counts.source_name = people_counts.source_name
            and summed_counts.campaign_id = people_counts.campaign_id
            and summed_counts.event_date = people_counts.reached_on

)

select * from final
