{{ config(unique_key='profile_id') }}

{#- Computed traits per profile (Segment's SQL/computed traits), flat and string-or-number so destinations may
    receive them: counts over the last 90 days, revenue, subscription, support and NPS. -#}

with profiles as (

    select * from {{ ref('dim_profiles') }}

),

engagement as (

    select * from {{ ref('dim_profile_engagement') }}

),

recent_counts_by_recipient as (

    select * from {{ ref('int_recipient_counts_90d') }}

),

recipients as (

    select * from {{ ref('int_interaction_recipients_profiled') }}
    where profile_id is not null

),

recent_counts as (

    select
        recipients.profile_id,
        sum(recent_counts_by_recipient.email_opens_90d) as email_opens_90d,
        sum(recent_counts_by_recipient.email_clicks_90d) as email_clicks_90d,
        sum(recent_counts_by_recipient.visits_90d) as visits_90d,
        sum(recent_counts_by_recipient.orders_90d) as orders_90d
    from recent_counts_by_recipient
    inner join recipients
        on recent_counts_by_recipient.recipient_id = recipients.recipient_id
    group by recipients.profile_id

),

last_nps as (

    select
        profile_id,
        last_nps_score
    from (
        select
            profile_id,
            last_nps_score,
            row_number() over (
                partition by profile_id order by last_nps_answered_at desc, last_nps_message_id asc
            ) as answer_rank
        from recipients
        where last_nps_message_id is not null
    ) as ranked
    where answer_rank = 1

),

final as (

    select
        profiles.profile_id,
        profiles.user_id,
        profiles.email,
        profiles.phone,
        profiles.first_name,
        profiles.last_name,
        profiles.country,
        coalesce(recent_counts.email_opens_90d, 0) as email_opens_90d,
        coalesce(recent_counts.email_clicks_90d, 0) as email_clicks_90d,
        coalesce(recent_counts.visits_90d, 0) as visits_90d,
        coalesce(recent_counts.orders_90d, 0) as orders_90d,
        engagement.purchases as lifetime_purchases,
        engagement.lifetime_revenue,
        engagement.subscription_status,
        engagement.mrr,
        engagement.open_tickets > 0 as has_open_ticket,
        last_nps.last_nps_score,
        engagement.engagement_segment
    from profiles
    left join engagement on profiles.profile_id = engagement.profile_id
    left join recent_counts on profiles.profile_id = recent_counts.profile_id
    left join last_nps on profiles.profile_id = last_nps.profile_id

)

select * from final
