{{ config(unique_key='campaign_key') }}

{#- The email funnel per campaign over its whole life; unique openers and clickers are counted once per
    campaign (so they are not the sum of the daily rows). -#}

with daily_counts as (

    select * from {{ ref('int_campaign_daily_counts') }}
    where channel = 'email'

),

daily_engagers as (

    select * from {{ ref('int_campaign_daily_engagers') }}
    where channel = 'email'

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

unique_engagers as (

    -- Distinct over the campaign's life: someone who opened on two days is one opener.
    select
        daily_engagers.source_name,
        daily_engagers.campaign_id,
        {{ email_funnel_unique_engagers('daily_engagers') }}
    from daily_engagers
    group by daily_engagers.source_name, daily_engagers.campaign_id

),

counts as (

    select
        summed_counts.source_name,
        summed_counts.campaign_id,
        summed_counts.campaign_name,
        summed_counts.first_event_at,
        summed_counts.last_event_at,
        {{ email_funnel_measures('summed_counts', 'unique_engagers') }}
    from summed_counts
    left join unique_engagers
        on
            summed_counts.source_name = unique_engagers.source_name
            and summed_counts.campaign_id = unique_engagers.campaign_id

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
        {{ email_funnel_rates('joined') }}
    from joined

)

select * from final
