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
        view_name as screen_name,
        context_traits_email
    from messages
    where message_type = 'screen'

)

select * from final
