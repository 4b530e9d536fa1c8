{{
    config(
        materialized='incremental',
        unique_key=['source_name', 'message_id'],
        incremental_strategy='append',
    )
}}

{#- Segment's warehouses deduplicate again on messageId: the first copy received wins. Per source, as the
    loader does: each sender chooses its own ids, and one source reusing another's must not hide its
    messages. Incremental runs read only rows loaded after the newest row already here (a load writes one
    _loaded_at and never overlaps a dbt run: both sit in the one-slot warehouse pool) and skip the
    (source, message id) pairs already present. -#}

with source as (

    select * from {{ source('raw_events', 'messages') }}
    {% if is_incremental() %}
        where _loaded_at > {{ newest_loaded_at(this, 'loaded_at') }}
    {% endif %}

),

renamed as (

    select
        cast(message_id as {{ dbt.type_string() }}) as message_id,
        lower(type) as message_type,
        event as event_name,
        name as view_name,
        user_id,
        anonymous_id,
        group_id,
        previous_id,
        source_name,
        source_kind,
        cast(timestamp as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(original_timestamp as {{ dbt.type_timestamp() }}) as original_occurred_at,
        cast(sent_at as {{ dbt.type_timestamp() }}) as sent_at,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
        _spool_segment as spool_segment,
        context,
        properties,
        traits,
        {{ json_text('traits', 'email') }} as traits_email,
        {{ json_text('context', 'traits.email') }} as context_traits_email,
        {{ json_text('properties', 'email') }} as properties_email,
        row_number() over (
            partition by source_name, message_id order by received_at, _loaded_at, _spool_segment
        ) as copy_number
    from source

),

deduplicated as (

    select * from renamed
    where copy_number = 1

),

final as (

    select deduplicated.*
    from deduplicated
    {% if is_incremental() %}
        -- not exists, not a left join: the engine builds its hash table on the few new rows, not the history.
        where not exists (
                select 1 from {{ this }} as existing
                where
                    existing.source_name = deduplicated.source_name
                    and existing.message_id = deduplicated.message_id
            )
    {% endif %}

)

select
    message_id,
    message_type,
    event_name,
    view_name,
    user_id,
    anonymous_id,
    group_id,
    previous_id,
    source_name,
    source_kind,
    occurred_at,
    original_occurred_at,
    sent_at,
    received_at,
    loaded_at,
    spool_segment,
    context,
    properties,
    traits,
    traits_email,
    context_traits_email,
    properties_email
from final
