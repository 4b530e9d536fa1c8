{#- One row per live-chat conversation (Chatlio, Gladly, Freshchat mapped to the Live Chat spec): start, end,
    duration (the tool's own figure when it sends one, else end minus start), messages and agent. -#}

with chat_events as (

    select * from {{ ref('int_interaction_events_profiled') }}
    where channel = 'live_chat' and conversation_id is not null

),

final as (

    select
        {{ surrogate_key(['source_name', 'conversation_id']) }} as conversation_key,
        source_name,
        max(source_kind) as source_kind,
        conversation_id,
        max(profile_id) as profile_id,
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
        count(case when action = 'Live Chat Conversation Ended' then 1 end) > 0 as is_ended
    from chat_events
    group by source_name, conversation_id

)

select * from final
