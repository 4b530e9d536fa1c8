{#- Push per campaign and day: sent → received → tapped, plus bounces. Braze reports no "received" step, so
    tap rates are given against both sent and received. -#}

with push_events as (

    select * from {{ ref('int_interaction_events') }}
    where channel = 'push'

),

counts as (

    select
        source_name,
        coalesce(campaign_id, '(none)') as campaign_id,
        max(campaign_name) as campaign_name,
        cast(occurred_at as date) as event_date,
        count(case when action = 'Push Notification Sent' then 1 end) as sent,
        count(case when action = 'Push Notification Received' then 1 end) as received,
        count(case when action = 'Push Notification Tapped' then 1 end) as tapped,
        count(distinct case when action = 'Push Notification Tapped' then recipient_key end) as unique_tappers,
        count(case when action = 'Push Notification Bounced' then 1 end) as bounced
    from push_events
    group by source_name, coalesce(campaign_id, '(none)'), cast(occurred_at as date)

),

final as (

    select
        {{ surrogate_key(['source_name', 'campaign_id', 'event_date']) }} as funnel_day_key,
        *,
        {{ safe_ratio('received', 'sent') }} as receive_rate,
        {{ safe_ratio('tapped', 'sent') }} as tap_rate_of_sent,
        {{ safe_ratio('tapped', 'received') }} as tap_rate_of_received
    from counts

)

select * from final
