{{ config(unique_key='funnel_day_key') }}

{#- In-app messages and content cards per campaign and day: sent → delivered → viewed → clicked. Event counts
    are the events of that day; people and the click rate follow the people the campaign first reached that
    day (of those who viewed the message, the share who clicked it), so the rate never exceeds 1. Only what
    happened before as_of counts. -#}

with daily_counts as (

    select * from {{ ref('int_campaign_daily_counts') }}
    where channel = 'in_app' and {{ day_before_as_of('event_date') }}

),

campaign_recipients as (

    select * from {{ ref('int_campaign_recipients') }}

),

recipient_profiles as (

    select * from {{ ref('int_interaction_recipients_profiled') }}

),

counts as (

    select
        source_name,
        campaign_id,
        max(campaign_name) as campaign_name,
        event_date,
        {{ sum_where('event_count', "action = 'In-App Message Sent'") }} as sent,
        {{ sum_where('event_count', "action = 'In-App Message Delivered'") }} as delivered,
        {{ sum_where('event_count', "action = 'In-App Message Viewed'") }} as viewed,
        {{ sum_where('event_count', "action = 'In-App Message Clicked'") }} as clicked,
        {{ sum_where('event_count', "action = 'In-App Message Dismissed'") }} as dismissed
    from daily_counts
    group by source_name, campaign_id, event_date

),

people as (

    {{ campaign_people('campaign_recipients', 'recipient_profiles', 'in_app', by_variation=false) }}

),

people_counts as (

    select
        people.source_name,
        people.campaign_id,
        cast(people.first_reached_at as date) as reached_on,
        {{ people_reaching('people', 'opened') }} as unique_viewers,
        {{ people_reaching('people', 'clicked') }} as unique_clickers,
        {{ people_rate('people', 'clicked', 'opened') }} as click_rate_of_viewed
    from people
    group by people.source_name, people.campaign_id, cast(people.first_reached_at as date)

),

final as (

    select
        {{ surrogate_key(['counts.source_name', 'counts.campaign_id', 'counts.event_date']) }} as funnel_day_key,
        counts.*,
        coalesce(people_counts.unique_viewers, 0) as unique_viewers,
        coalesce(people_counts.unique_clickers, 0) as unique_clickers,
        people_counts.click_rate_of_viewed
    from counts
    left join people_counts
        on
            counts.source_name = people_counts.source_name
            and counts.campaign_id = people_counts.campaign_id
            and counts.event_date = people_counts.reached_on

)

select * from final
