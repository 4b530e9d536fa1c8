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
        previous_id
    from messages
    where message_type = 'alias'

)

select * from final
