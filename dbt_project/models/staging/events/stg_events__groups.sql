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
        group_id,
        {{ json_text('traits', 'name') }} as group_name,
        traits
    from messages
    where message_type = 'group'

)

select * from final
