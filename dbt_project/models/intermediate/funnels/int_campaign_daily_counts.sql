{{ config(unique_key='count_key') }}

{#- Email, push and in-app events counted per campaign, variation, day, action and machine-open flag: the
    additive part of every funnel, so the funnel marts sum a few thousand rows instead of scanning every
    event. Incremental: the counts of newly loaded events are added to the existing row of their key. -#}

with new_events as (

    select * from {{ ref('int_interaction_events') }}
    where
        channel in ('email', 'push', 'in_app')
        {% if is_incremental() -%}
            and loaded_at > {{ newest_loaded_at(this, 'last_loaded_at') }}
        {%- endif %}

),

new_counts as (

    select
        channel,
        source_name,
        coalesce(campaign_id, '(none)') as campaign_id,
        message_variation_id,
        cast(occurred_at as date) as event_date,
        action,
        action_detail,
        is_machine_open,
        count(*) as event_count,
        max(campaign_name) as campaign_name,
        max(message_variation_name) as message_variation_name,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at,
        max(loaded_at) as last_loaded_at
    from new_events
    group by
        channel,
        source_name,
        coalesce(campaign_id, '(none)'),
        message_variation_id,
        cast(occurred_at as date),
        action,
        action_detail,
        is_machine_open

),

keyed as (

    select
        {{ surrogate_key([
            'channel', 'source_name', 'campaign_id', 'message_variation_id', 'event_date', 'action',
            'action_detail', 'is_machine_open'
        ]) }} as count_key,
        *
    from new_counts

),

candidates as (

    select
        count_key,
        channel,
        source_name,
        campaign_id,
        message_variation_id,
        event_date,
        action,
        action_detail,
        is_machine_open,
        event_count,
        campaign_name,
        message_variation_name,
        first_event_at,
        last_event_at,
        last_loaded_at
    from keyed

    {% if is_incremental() -%}
        union all

        select
            existing.count_key,
            existing.channel,
            existing.source_name,
            existing.campaign_id,
            existing.message_variation_id,
            existing.event_date,
            existing.action,
            existing.action_detail,
            existing.is_machine_open,
            existing.event_count,
            existing.campaign_name,
            existing.message_variation_name,
            existing.first_event_at,
            existing.last_event_at,
            existing.last_loaded_at
        from {{ this }} as existing
        where existing.count_key in (select keyed.count_key from keyed)
    {%- endif %}

),

final as (

    -- The key columns are determined by count_key; grouping by them keeps them without aggregating.
    select
        count_key,
        channel,
        source_name,
        campaign_id,
        message_variation_id,
        event_date,
        action,
        action_detail,
        is_machine_open,
        sum(event_count) as event_count,
        max(campaign_name) as campaign_name,
        max(message_variation_name) as message_variation_name,
        min(first_event_at) as first_event_at,
        max(last_event_at) as last_event_at,
        max(last_loaded_at) as last_loaded_at
    from candidates
    group by
        count_key,
        channel,
        source_name,
        campaign_id,
        message_variation_id,
        event_date,
        action,
        action_detail,
        is_machine_open

)

select * from final
