{#- The email funnel per campaign over its whole life; unique openers and clickers are counted once per
    campaign (so they are not the sum of the daily rows). -#}

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
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at,
        {{ email_funnel_counts() }}
    from email_events
    group by source_name, coalesce(campaign_id, '(none)')

),

conversion_counts as (

    select
        source_name,
        campaign_id,
        count(*) as conversions,
        sum(amount) as conversion_revenue
    from conversions
    group by source_name, campaign_id

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

),

final as (

    select
        {{ surrogate_key(['source_name', 'campaign_id']) }} as campaign_key,
        *,
        {{ email_funnel_rates() }}
    from joined

)

select * from final
