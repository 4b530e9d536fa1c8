{#- Computed traits per profile (Segment's SQL/computed traits), flat and string-or-number so destinations may
    receive them: counts over the last 90 days, revenue, subscription, support and NPS. -#}

with profiles as (

    select * from {{ ref('dim_profiles') }}

),

engagement as (

    select * from {{ ref('dim_profile_engagement') }}

),

interaction_events as (

    select * from {{ ref('int_interaction_events') }}

),

recipients as (

    select * from {{ ref('int_interaction_recipients_profiled') }}
    where profile_id is not null

),

identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

recent_counts_by_recipient as (

    -- Counted per recipient first, then rolled up to profiles: far fewer rows meet the identity tables.
    select
        user_id,
        email,
        anonymous_id,
        count(case when action = 'Email Opened' and not is_machine_open then 1 end) as email_opens_90d,
        count(case when action = 'Email Link Clicked' then 1 end) as email_clicks_90d,
        count(case when action in ('Page Viewed', 'Screen Viewed') then 1 end) as visits_90d,
        count(case when action = 'Order Completed' then 1 end) as orders_90d
    from interaction_events
    where
        occurred_at >= {{ days_before_as_of(90) }}
        and action in ('Email Opened', 'Email Link Clicked', 'Page Viewed', 'Screen Viewed', 'Order Completed')
    group by user_id, email, anonymous_id

),

recent_counts_profiled as (

    select
        {{ profile_of_recipient('recent_counts_by_recipient', 'identifiers') }} as profile_id,
        recent_counts_by_recipient.email_opens_90d,
        recent_counts_by_recipient.email_clicks_90d,
        recent_counts_by_recipient.visits_90d,
        recent_counts_by_recipient.orders_90d
    from recent_counts_by_recipient
    {{ profile_of_recipient_joins('recent_counts_by_recipient', 'identifiers') }}

),

recent_counts as (

    select
        profile_id,
        sum(email_opens_90d) as email_opens_90d,
        sum(email_clicks_90d) as email_clicks_90d,
        sum(visits_90d) as visits_90d,
        sum(orders_90d) as orders_90d
    from recent_counts_profiled
    where profile_id is not null
    group by profile_id

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
