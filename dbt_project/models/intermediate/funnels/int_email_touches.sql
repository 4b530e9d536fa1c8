{{ config(incremental_strategy='append') }}

{#- Email touches that can earn a conversion: human opens and clicks, one row per event, with the recipient
    and none of the event's other columns, so attribution reads a narrow table instead of every event.
    Kept per recipient, not per profile, so stitching never invalidates a row. Incremental: touches loaded
    since the newest one here are appended (loads never overlap a run, so none is read twice). -#}

with email_events as (

    select * from {{ ref('int_interaction_events') }}
    where
        channel = 'email'
        and (
            (action = 'Email Opened' and not is_machine_open)
            or action = 'Email Link Clicked'
        )
        {% if is_incremental() -%}
            and loaded_at > {{ newest_loaded_at(this, 'loaded_at') }}
        {%- endif %}

),

final as (

    select
        message_id,
        source_name,
        coalesce(campaign_id, '(none)') as campaign_id,
        message_variation_id,
        {{ recipient_id('user_id', 'email', 'anonymous_id') }} as recipient_id,
        occurred_at as touched_at,
        loaded_at
    from email_events

)

select * from final
