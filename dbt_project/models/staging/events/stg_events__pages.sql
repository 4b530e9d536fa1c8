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
        view_name as page_name,
        coalesce({{ json_text('properties', 'path') }}, {{ json_text('context', 'page.path') }}) as page_path,
        coalesce({{ json_text('properties', 'url') }}, {{ json_text('context', 'page.url') }}) as page_url,
        coalesce(
            {{ json_text('properties', 'referrer') }}, {{ json_text('context', 'page.referrer') }}
        ) as page_referrer,
        context_traits_email
    from messages
    where message_type = 'page'

)

select * from final
