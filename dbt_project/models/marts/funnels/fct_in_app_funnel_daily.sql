{#- In-app messages and content cards per campaign and day: sent → delivered → viewed → clicked. -#}

with in_app_events as (

    select * from {{ ref('int_interaction_events') }}
    where channel = 'in_app'

),

counts as (

    select
        source_name,
        coalesce(campaign_id, '(none)') as campaign_id,
        max(campaign_name) as campaign_name,
        cast(occurred_at as date) as event_date,
        count(case when action = 'In-App Message Sent' then 1 end) as sent,
        count(case when action = 'In-App Message Delivered' then 1 end) as delivered,
        count(case when action = 'In-App Message Viewed' then 1 end) as viewed,
        count(case when action = 'In-App Message Clicked' then 1 end) as clicked,
        count(case when action = 'In-App Message Dismissed' then 1 end) as dismissed
    from in_app_events
    group by source_name, coalesce(campaign_id, '(none)'), cast(occurred_at as date)

),

final as (

    select
        {{ surrogate_key(['source_name', 'campaign_id', 'event_date']) }} as funnel_day_key,
        *,
        {{ safe_ratio('clicked', 'viewed') }} as click_rate_of_viewed
    from counts

)

select * from final
