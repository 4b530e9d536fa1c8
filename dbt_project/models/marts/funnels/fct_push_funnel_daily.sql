{{ config(unique_key='funnel_day_key') }}

{#- Push per campaign and day: sent → received → tapped, plus bounces. Braze reports no "received" step, so
    tap rates are given against both sent and received. -#}

with daily_counts as (

    select * from {{ ref('int_campaign_daily_counts') }}
    where channel = 'push'

),

daily_tappers as (

    select * from {{ ref('int_campaign_daily_engagers') }}
    where channel = 'push' and action = 'Push Notification Tapped'

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

unique_tappers as (

    select
        source_name,
        campaign_id,
        event_date,
        count(distinct recipient_key) as unique_tappers
    from daily_tappers
    group by source_name, campaign_id, event_date

),

counts as (

    select
        summed_counts.source_name,
        summed_counts.campaign_id,
        summed_counts.campaign_name,
        summed_counts.event_date,
        summed_counts.sent,
        summed_counts.received,
        summed_counts.tapped,
        coalesce(unique_tappers.unique_tappers, 0) as unique_tappers,
        summed_counts.bounced
    from summed_counts
    left join unique_tappers
        on
            summed_counts.source_name = unique_tappers.source_name
            and summed_counts.campaign_id = unique_tappers.campaign_id
            and summed_counts.event_date = unique_tappers.event_date

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
