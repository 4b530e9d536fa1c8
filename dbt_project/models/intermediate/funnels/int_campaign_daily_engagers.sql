{{
    config(
        unique_key='engager_key',
        incremental_strategy='append',
    )
}}

{#- Who engaged with a campaign each day: one row per (channel, source, campaign, variation, day, action,
    recipient) for human email opens, email clicks and push taps. Funnels count unique openers, clickers and
    tappers from it, per day or over a campaign's life, without rescanning events. Incremental: engagements
    loaded since the newest row here are appended unless their row already exists. -#}

with new_events as (

    select * from {{ ref('int_interaction_events') }}
    where
        recipient_key is not null
        and (
            (channel = 'email' and action = 'Email Opened' and not is_machine_open)
            or (channel = 'email' and action = 'Email Link Clicked')
            or (channel = 'push' and action = 'Push Notification Tapped')
        )
        {% if is_incremental() -%}
            and loaded_at > {{ newest_loaded_at(this, 'first_loaded_at') }}
        {%- endif %}

),

new_engagers as (

    select
        channel,
        source_name,
        coalesce(campaign_id, '(none)') as campaign_id,
        message_variation_id,
        cast(occurred_at as date) as event_date,
        action,
        recipient_key,
        min(loaded_at) as first_loaded_at
    from new_events
    group by
        channel,
        source_name,
        coalesce(campaign_id, '(none)'),
        message_variation_id,
        cast(occurred_at as date),
        action,
        recipient_key

),

keyed as (

    select
        {{ surrogate_key([
            'channel', 'source_name', 'campaign_id', 'message_variation_id', 'event_date', 'action',
            'recipient_key'
        ]) }} as engager_key,
        channel,
        source_name,
        campaign_id,
        message_variation_id,
        event_date,
        action,
        recipient_key,
        first_loaded_at
    from new_engagers

),

final as (

    select keyed.*
    from keyed
    {% if is_incremental() -%}
        where not exists (
                select 1 from {{ this }} as existing
                where existing.engager_key = keyed.engager_key
            )
    {%- endif %}

)

select * from final
