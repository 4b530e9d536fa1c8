{{ config(unique_key='funnel_day_key') }}

{#- The email funnel per campaign, message variation and day (UTC): sent → delivered → human open → click →
    conversion, with bounces (hard/soft), unsubscribes, spam reports and the rates between steps. Opens
    flagged as machine opens are counted apart and never as engagement. -#}

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

unique_engagers as (

    select
        daily_engagers.source_name,
        daily_engagers.campaign_id,
        daily_engagers.message_variation_id,
        daily_engagers.event_date,
        {{ email_funnel_unique_engagers('daily_engagers', per_day=true) }}
    from daily_engagers
    group by
        daily_engagers.source_name,
        daily_engagers.campaign_id,
        daily_engagers.message_variation_id,
        daily_engagers.event_date

),

counts as (

    select
        summed_counts.source_name,
        summed_counts.campaign_id,
        summed_counts.campaign_name,
        summed_counts.message_variation_id,
        summed_counts.message_variation_name,
        summed_counts.event_date,
        {{ email_funnel_measures('summed_counts', 'unique_engagers') }}
    from summed_counts
    left join unique_engagers
        on
            summed_counts.source_name = unique_engagers.source_name
            and summed_counts.campaign_id = unique_engagers.campaign_id
            and coalesce(summed_counts.message_variation_id, '') = coalesce(unique_engagers.message_variation_id, '')
            and summed_counts.event_date = unique_engagers.event_date

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
        {{ email_funnel_rates('joined') }}
    from joined

)

select * from final
