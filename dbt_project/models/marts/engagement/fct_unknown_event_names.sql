{{ config(unique_key='unknown_event_key') }}

{#- Event names no mapping knows, with volumes per source: add them to seeds/event_name_mapping.csv. -#}

with interaction_events as (

    select * from {{ ref('int_interaction_events') }}
    where not is_known_event

),

final as (

    select
        {{ surrogate_key(['source_name', 'source_event_name']) }} as unknown_event_key,
        source_name,
        max(source_kind) as source_kind,
        source_event_name,
        count(*) as events,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at
    from interaction_events
    group by source_name, source_event_name

)

select * from final
