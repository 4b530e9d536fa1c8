{{
    config(
        unique_key='conversation_key',
        materialized=keyed_materialization(),
        incremental_strategy=keyed_incremental_strategy(),
    )
}}

{#- One row per live-chat conversation (Chatlio, Gladly, Freshchat mapped to the Live Chat spec): start, end,
    duration (the tool's own figure when it sends one, else end minus start), messages and agent. The
    conversation's profile is its customer's: the recipient named by its first event that names one.
    Merged by key rather than recomputed like most marts, as it grows with the events: conversations with newly
    loaded events are summarised again from all their events, and conversations already here are rewritten only
    when their customer now belongs to another profile. -#}

with chat_events as (

    select * from {{ ref('int_live_chat_events') }}

),

recipient_profiles as (

    select * from {{ ref('int_interaction_recipients_profiled') }}

),

{% if is_incremental() -%}
    changed_conversations as (

        -- Read from the table itself: a second reference to chat_events could make the engine materialise
        -- every chat event.
        select distinct
            source_name,
            conversation_id
        from {{ ref('int_live_chat_events') }}
        where loaded_at > {{ newest_loaded_at(this, 'last_loaded_at') }}

    ),
{%- endif %}

conversation_events as (

    select chat_events.*
    from chat_events
    {% if is_incremental() -%}
        inner join changed_conversations
            on
                chat_events.source_name = changed_conversations.source_name
                and chat_events.conversation_id = changed_conversations.conversation_id
    {%- endif %}

),

customers as (

    select
        source_name,
        conversation_id,
        recipient_id
    from (
        select
            source_name,
            conversation_id,
            {{ recipient_id('user_id', 'email', 'anonymous_id') }} as recipient_id,
            row_number() over (
                partition by source_name, conversation_id
                order by
                    case when coalesce(user_id, email, anonymous_id) is null then 1 else 0 end,
                    occurred_at,
                    message_id
            ) as event_rank
        from conversation_events
    ) as ranked_events
    where event_rank = 1

),

summaries as (

    select
        source_name,
        max(source_kind) as source_kind,
        conversation_id,
        min(occurred_at) as started_at,
        max(case when action = 'Live Chat Conversation Ended' then occurred_at end) as ended_at,
        coalesce(
            max(conversation_duration_seconds),
            {{ dbt.datediff('min(occurred_at)', 'max(occurred_at)', 'second') }}
        ) as duration_seconds,
        count(case when action = 'Live Chat Message Sent' then 1 end) as customer_messages,
        count(case when action = 'Live Chat Message Received' then 1 end) as agent_messages,
        count(case when action in ('Live Chat Message Sent', 'Live Chat Message Received') then 1 end)
            as total_messages,
        max(agent_id) as agent_id,
        max(agent_name) as agent_name,
        count(case when action = 'Live Chat Conversation Ended' then 1 end) > 0 as is_ended,
        max(loaded_at) as last_loaded_at
    from conversation_events
    group by source_name, conversation_id

),

conversations as (

    select
        {{ surrogate_key(['summaries.source_name', 'summaries.conversation_id']) }} as conversation_key,
        summaries.source_name,
        summaries.source_kind,
        summaries.conversation_id,
        recipient_profiles.profile_id,
        customers.recipient_id,
        summaries.started_at,
        summaries.ended_at,
        summaries.duration_seconds,
        summaries.customer_messages,
        summaries.agent_messages,
        summaries.total_messages,
        summaries.agent_id,
        summaries.agent_name,
        summaries.is_ended,
        summaries.last_loaded_at
    from summaries
    inner join customers
        on
            summaries.source_name = customers.source_name
            and summaries.conversation_id = customers.conversation_id
    left join recipient_profiles
        on customers.recipient_id = recipient_profiles.recipient_id

    {% if is_incremental() -%}
        union all

        -- Conversations with new events were summarised again above.
        {{ rows_with_moved_profile(
            this,
            'recipient_profiles',
            [
                'conversation_key', 'source_name', 'source_kind', 'conversation_id', 'profile_id', 'recipient_id',
                'started_at', 'ended_at', 'duration_seconds', 'customer_messages', 'agent_messages',
                'total_messages', 'agent_id', 'agent_name', 'is_ended', 'last_loaded_at',
            ],
            rebuilt='changed_conversations',
            rebuilt_keys=['source_name', 'conversation_id'],
        ) }}
    {%- endif %}

)

select * from conversations
