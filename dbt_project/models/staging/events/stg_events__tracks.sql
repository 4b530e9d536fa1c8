with messages as (

    select * from {{ ref('stg_events__messages') }}

),

final as (

    select
        message_id,
        occurred_at,
        received_at,
        loaded_at,
        source_name,
        source_kind,
        user_id,
        anonymous_id,
        event_name,
        context_traits_email,
        properties_email,
        coalesce(
            {{ json_text('properties', 'user_agent') }},
            {{ json_text('context', 'userAgent') }},
            {{ json_text('context', 'user_agent') }}
        ) as user_agent,
        context,
        properties
    from messages
    where message_type = 'track'

)

select * from final
