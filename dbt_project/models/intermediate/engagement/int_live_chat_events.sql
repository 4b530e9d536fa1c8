{{ config(incremental_strategy='append') }}

{#- Live-chat events that belong to a conversation, one narrow row per event with only what a conversation
    summary needs, so fct_live_chat_conversations re-summarises changed conversations from a small table
    instead of scanning every event. Incremental: events loaded since the newest one here are appended
    (loads never overlap a run, so none is read twice). -#}

with chat_events as (

    select * from {{ ref('int_interaction_events') }}
    where
        channel = 'live_chat'
        and conversation_id is not null
        {% if is_incremental() -%}
            and loaded_at > {{ newest_loaded_at(this, 'loaded_at') }}
        {%- endif %}

),

final as (

    select
        message_id,
        source_name,
        source_kind,
        conversation_id,
        action,
        occurred_at,
        user_id,
        email,
        anonymous_id,
        conversation_duration_seconds,
        agent_id,
        agent_name,
        loaded_at
    from chat_events

)

select * from final
