{#- The email funnel per campaign, message variation and day (UTC): sent → delivered → human open → click →
    conversion, with bounces (hard/soft), unsubscribes, spam reports and the rates between steps. Opens
    flagged as machine opens are counted apart and never as engagement. -#}

with email_events as (

    select * from {{ ref('int_interaction_events') }}
    where channel = 'email'

),

conversions as (

    select * from {{ ref('int_email_conversions_attributed') }}

),

counts as (

    select
        source_name,
        coalesce(campaign_id, '(none)') as campaign_id,
        max(campaign_name) as campaign_name,
        message_variation_id,
        max(message_variation_name) as message_variation_name,
        cast(occurred_at as date) as event_date,
        {{ email_funnel_counts() }}
    from email_events
    group by source_name, coalesce(campaign_id, '(none)'), message_variation_id, cast(occurred_at as date)

),

conversion_counts as (

    select
        source_name,
        campaign_id,
        message_variation_id,
        touched_on as event_date,
        count(*) as conversions,
        sum(amount) as conversion_revenue
    from conversions
    group by source_name, campaign_id, message_variation_id, touched_on

),

joined as (

    select
        counts.*,
        coalesce(conversion_counts.conversions, 0) as conversions,
        coalesce(conversion_counts.conversion_revenue, 0) as conversion_revenue
    from counts
    left join conversion_counts
        on
            counts.source_name = conversion_counts.source_name
            and counts.campaign_id = conversion_counts.campaign_id
            and coalesce(counts.message_variation_id, '') = coalesce(conversion_counts.message_variation_id, '')
            and counts.event_date = conversion_counts.event_date

),

final as (

    select
        {{ surrogate_key(['source_name', 'campaign_id', 'message_variation_id', 'event_date']) }}
            as funnel_day_key,
        *,
        {{ email_funnel_rates() }}
    from joined

)

select * from final
