{{
    config(
        materialized='incremental',
        incremental_strategy='append',
    )
}}

{#- Identify calls with their traits. A table, not a view: the profiles read every identify on each run, and
    picking 2% of the messages out of the event table (and parsing their JSON) each time costs more than keeping
    them. Incremental: identifies loaded after the newest row here are appended (stg_events__messages holds each
    message_id once). -#}

with messages as (

    select * from {{ ref('stg_events__messages') }}
    where
        message_type = 'identify'
        {% if is_incremental() -%}
            and loaded_at > {{ newest_loaded_at(this, 'loaded_at') }}
        {%- endif %}

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

)

select * from final
