{{ config(unique_key='campaign_recipient_key') }}

{#- Who each email, push and in-app campaign reached and how far each of them went: one row per channel, source,
    campaign, variation and recipient, with the first time of every funnel step. The funnels count people from
    it (a step's people are those with its first time before as_of), so a rate can divide like by like: of the
    people delivered, those who opened. Steps by channel:
      sent         Email Sent, Push Notification Sent, In-App Message Sent
      delivered    Email Delivered, Push Notification Received, In-App Message Delivered
      bounced      Email Bounced (hard or soft), Push Notification Bounced
      opened       a human Email Opened (not a machine open), Push Notification Tapped, In-App Message Viewed
      clicked      Email Link Clicked, In-App Message Clicked
      unsubscribed, spam_reported   Unsubscribed, Email Marked as Spam
    Kept per recipient, not per profile, so stitching never invalidates a row. Incremental: the steps of newly
    loaded events are merged with their recipient's row (the earlier of each time), which equals a full
    rebuild. -#}

with new_events as (

    select * from {{ ref('int_interaction_events') }}
    where
        channel in ('email', 'push', 'in_app')
        {% if is_incremental() -%}
            and loaded_at > {{ newest_loaded_at(this, 'last_loaded_at') }}
        {%- endif %}

),

new_steps as (

    select
        channel,
        source_name,
        coalesce(campaign_id, '(none)') as campaign_id,
        -- Keys read a missing value as '', so an empty variation is the same as none.
        nullif(message_variation_id, '') as message_variation_id,
        user_id,
        email,
        anonymous_id,
        min(case when action in ('Email Sent', 'Push Notification Sent', 'In-App Message Sent') then occurred_at end)
            as first_sent_at,
        min(
            case
                when action in ('Email Delivered', 'Push Notification Received', 'In-App Message Delivered')
                    then occurred_at
            end
        ) as first_delivered_at,
        min(case when action in ('Email Bounced', 'Push Notification Bounced') then occurred_at end)
            as first_bounced_at,
        min(case when action = 'Email Bounced' and coalesce(action_detail, 'hard') = 'hard' then occurred_at end)
            as first_hard_bounced_at,
        min(
            case
                when
                    (action = 'Email Opened' and not is_machine_open)
                    or action in ('Push Notification Tapped', 'In-App Message Viewed')
                    then occurred_at
            end
        ) as first_opened_at,
        min(case when action in ('Email Link Clicked', 'In-App Message Clicked') then occurred_at end)
            as first_clicked_at,
        min(case when action = 'Unsubscribed' then occurred_at end) as first_unsubscribed_at,
        min(case when action = 'Email Marked as Spam' then occurred_at end) as first_spam_reported_at,
        max(loaded_at) as last_loaded_at
    from new_events
    group by
        channel,
        source_name,
        coalesce(campaign_id, '(none)'),
        nullif(message_variation_id, ''),
        user_id,
        email,
        anonymous_id

),

keyed as (

    select
        {{ surrogate_key([
            'channel', 'source_name', 'campaign_id', 'message_variation_id',
            recipient_id('user_id', 'email', 'anonymous_id')
        ]) }} as campaign_recipient_key,
        channel,
        source_name,
        campaign_id,
        message_variation_id,
        {{ recipient_id('user_id', 'email', 'anonymous_id') }} as recipient_id,
        first_sent_at,
        first_delivered_at,
        first_bounced_at,
        first_hard_bounced_at,
        first_opened_at,
        first_clicked_at,
        first_unsubscribed_at,
        first_spam_reported_at,
        last_loaded_at
    from new_steps

),

candidates as (

    select * from keyed

    {% if is_incremental() -%}
        union all

        select existing.*
        from {{ this }} as existing
        where existing.campaign_recipient_key in (select keyed.campaign_recipient_key from keyed)
    {%- endif %}

),

final as (

    -- The key determines the other identifying columns; grouping by them keeps them without aggregating.
    select
        campaign_recipient_key,
        channel,
        source_name,
        campaign_id,
        message_variation_id,
        recipient_id,
        min(first_sent_at) as first_sent_at,
        min(first_delivered_at) as first_delivered_at,
        min(first_bounced_at) as first_bounced_at,
        min(first_hard_bounced_at) as first_hard_bounced_at,
        min(first_opened_at) as first_opened_at,
        min(first_clicked_at) as first_clicked_at,
        min(first_unsubscribed_at) as first_unsubscribed_at,
        min(first_spam_reported_at) as first_spam_reported_at,
        max(last_loaded_at) as last_loaded_at
    from candidates
    group by campaign_recipient_key, channel, source_name, campaign_id, message_variation_id, recipient_id

)

select * from final
