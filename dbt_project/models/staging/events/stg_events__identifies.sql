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
        traits_email as email,
        context_traits_email,
        coalesce({{ json_text('traits', 'phone') }}, {{ json_text('context', 'traits.phone') }}) as phone,
        coalesce({{ json_text('traits', 'firstName') }}, {{ json_text('traits', 'first_name') }}) as first_name,
        coalesce({{ json_text('traits', 'lastName') }}, {{ json_text('traits', 'last_name') }}) as last_name,
        {{ json_text('traits', 'address.country') }} as country,
        traits
    from messages
    where message_type = 'identify'

)

select * from final
