{{ config(unique_key='funnel_day_key') }}

{#- In-app messages and content cards per campaign and day: sent → delivered → viewed → clicked. -#}

with daily_counts as (

    select * from {{ ref('int_campaign_daily_counts') }}
    where channel = 'in_app'

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

final as (

    select
        {{ surrogate_key(['source_name', 'campaign_id', 'event_date']) }} as funnel_day_key,
        *,
        {{ safe_ratio('clicked', 'viewed') }} as click_rate_of_viewed
    from counts

)

select * from final
