{{
    config(
        unique_key='message_id',
        incremental_strategy='append',
    )
}}

{#- One row per interaction (track, page, screen) with a canonical channel and action from the
    event_name_mapping seed. Incremental runs read the messages loaded after the newest row already here: a
    load writes all its rows with one _loaded_at and never overlaps a dbt run (both sit in the one-slot
    warehouse pool). Rows are appended: stg_events__messages holds each message_id once and a rerun reads
    nothing new, so no message is ever written twice. An open is classified once, as it arrives: a prefetch is
    matched to its delivery through the identities stitched by then (so this model follows identity). -#}

{%- set since_last_run -%}
    {% if is_incremental() -%}
        where loaded_at > {{ newest_loaded_at(this, 'loaded_at') }}
    {%- endif %}
{%- endset %}

with tracks as (

    select * from {{ ref('stg_events__tracks') }}
    {{ since_last_run }}

),

pages as (

    select * from {{ ref('stg_events__pages') }}
    {{ since_last_run }}

),

screens as (

    select * from {{ ref('stg_events__screens') }}
    {{ since_last_run }}

),

event_name_mapping as (

    select * from {{ ref('event_name_mapping') }}

),

machine_open_user_agents as (

    select * from {{ ref('machine_open_user_agents') }}

),

identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

track_interactions as (

    select
        message_id,
        occurred_at,
        received_at,
        loaded_at,
        source_name,
        source_kind,
        'track' as message_type,
        user_id,
        anonymous_id,
        {{ event_email('context_traits_email', 'properties_email', 'anonymous_id', 'source_kind') }} as email,
        event_name as source_event_name,
        {{ first_json_text('properties', ['campaign_id', 'campaignId', 'canvas_id', 'campaign.id']) }}
            as campaign_id,
        {{ first_json_text('properties', ['campaign_name', 'campaignName', 'canvas_name', 'campaign.name']) }}
            as campaign_name,
        {{ first_json_text('properties', ['message_variation_id', 'canvas_variation_id', 'templateId']) }}
            as message_variation_id,
        {{ first_json_text('properties', ['message_variation_name', 'canvas_variation_name', 'templateName']) }}
            as message_variation_name,
        {{ first_json_text('properties', ['link_url', 'url']) }} as link_url,
        user_agent,
        lower(coalesce({{ json_text('properties', 'machine_open') }}, 'false')) in ('true', '1')
            as has_machine_open_flag,
        {{ dbt.safe_cast(first_json_text('properties', ['revenue', 'total']), type_double()) }} as revenue,
        upper({{ json_text('properties', 'currency') }}) as currency,
        {{ json_text('properties', 'order_id') }} as order_id,
        {{ first_json_text('properties', ['conversation_id', 'conversationId']) }} as conversation_id,
        {{ first_json_text('properties', ['agent_id', 'agentId']) }} as agent_id,
        {{ first_json_text('properties', ['agent_name', 'agentName']) }} as agent_name,
        {{ dbt.safe_cast(json_text('properties', 'conversation_duration'), type_double()) }}
            as conversation_duration_seconds,
        {{ first_json_text('properties', ['survey_id', 'surveyId']) }} as survey_id,
        {{ first_json_text('properties', ['survey_type', 'metric_type']) }} as survey_type,
        {{ dbt.safe_cast(first_json_text('properties', ['score', 'survey_question_answer']), type_double()) }}
            as survey_score,
        {{ first_json_text('properties', ['experiment_id', 'metadata.config', 'metadata.gate']) }}
            as experiment_id,
        {{ first_json_text('properties', ['experiment_name', 'metadata.config', 'metadata.gate']) }}
            as experiment_name,
        {{ first_json_text('properties', ['variation_id', 'metadata.ruleID', 'value']) }} as variation_id,
        {{ first_json_text('properties', ['variation_name', 'metadata.ruleID']) }} as variation_name,
        cast(null as {{ dbt.type_string() }}) as page_path,
        cast(null as {{ dbt.type_string() }}) as screen_name
    from tracks

),

view_interactions as (

    select
        message_id,
        occurred_at,
        received_at,
        loaded_at,
        source_name,
        source_kind,
        'page' as message_type,
        user_id,
        anonymous_id,
        {{ event_email('context_traits_email', 'null', 'anonymous_id', 'source_kind') }} as email,
        'Page Viewed' as source_event_name,
        page_path,
        cast(null as {{ dbt.type_string() }}) as screen_name
    from pages

    union all

    select
        message_id,
        occurred_at,
        received_at,
        loaded_at,
        source_name,
        source_kind,
        'screen' as message_type,
        user_id,
        anonymous_id,
        {{ event_email('context_traits_email', 'null', 'anonymous_id', 'source_kind') }} as email,
        'Screen Viewed' as source_event_name,
        cast(null as {{ dbt.type_string() }}) as page_path,
        screen_name
    from screens

),

interactions as (

    select * from track_interactions

    union all

    select
        message_id,
        occurred_at,
        received_at,
        loaded_at,
        source_name,
        source_kind,
        message_type,
        user_id,
        anonymous_id,
        email,
        source_event_name,
        null as campaign_id,
        null as campaign_name,
        null as message_variation_id,
        null as message_variation_name,
        null as link_url,
        null as user_agent,
        false as has_machine_open_flag,
        null as revenue,
        null as currency,
        null as order_id,
        null as conversation_id,
        null as agent_id,
        null as agent_name,
        null as conversation_duration_seconds,
        null as survey_id,
        null as survey_type,
        null as survey_score,
        null as experiment_id,
        null as experiment_name,
        null as variation_id,
        null as variation_name,
        page_path,
        screen_name
    from view_interactions

),

mapped as (

    select
        interactions.*,
        {{ clean_identifier('interactions.user_id') }} as resolved_user_id,
        {{ event_anonymous_id('interactions.anonymous_id', 'interactions.source_kind') }} as resolved_anonymous_id,
        coalesce(for_source.channel, for_any_source.channel, 'other') as channel,
        coalesce(for_source.action, for_any_source.action, 'unknown') as action,
        case
            when for_source.action is not null then for_source.action_detail
            else for_any_source.action_detail
        end as action_detail,
        coalesce(for_source.action, for_any_source.action) is not null as is_known_event
    from interactions
    left join event_name_mapping as for_source
        on
            lower(interactions.source_event_name) = lower(for_source.source_event_name)
            and interactions.source_kind = for_source.source_kind
    left join event_name_mapping as for_any_source
        on
            lower(interactions.source_event_name) = lower(for_any_source.source_event_name)
            and for_any_source.source_kind is null

),

keyed as (

    select
        *,
        coalesce(resolved_user_id, email, resolved_anonymous_id) as recipient_key
    from mapped

),

email_receipts as (

    -- The deliveries and opens of this load, and the deliveries already stored from a day before its earliest
    -- event: what prefetched opens are matched against.
    select
        message_id,
        source_name,
        campaign_id,
        action,
        resolved_user_id as user_id,
        email,
        resolved_anonymous_id as anonymous_id,
        recipient_key,
        occurred_at
    from keyed
    where action in ('Email Delivered', 'Email Opened')

    {% if is_incremental() %}
        union all

        select
            message_id,
            source_name,
            campaign_id,
            action,
            user_id,
            email,
            anonymous_id,
            recipient_key,
            occurred_at
        from {{ this }}
        where
            action = 'Email Delivered'
            and occurred_at >= {{ dbt.dateadd('day', -1, '(select min(occurred_at) from keyed)') }}
    {% endif %}

),

profiled_receipts as (

    {{ select_with_recipient_profile('email_receipts', 'identifiers') }}

),

matchable_receipts as (

    -- A delivery and an open are the same person's when they belong to one profile, whichever of its
    -- identifiers each event carries (a delivery addressed to the email, an open reported for the user id);
    -- an event whose ids are stitched to no profile is matched on its recipient alone.
    select
        message_id,
        source_name,
        campaign_id,
        action,
        occurred_at,
        profile_id is null as is_matched_by_recipient,
        coalesce(profile_id, recipient_key) as match_key
    from profiled_receipts

),

prefetched_opens as (

    -- An open this soon after its own delivery was fetched by the mailbox provider, not read by a person.
    select distinct
        opens.source_name,
        opens.message_id
    from matchable_receipts as opens
    inner join matchable_receipts as deliveries
        on
            opens.source_name = deliveries.source_name
            and opens.campaign_id = deliveries.campaign_id
            and opens.is_matched_by_recipient = deliveries.is_matched_by_recipient
            and opens.match_key = deliveries.match_key
    where
        opens.action = 'Email Opened'
        and deliveries.action = 'Email Delivered'
        and opens.occurred_at >= deliveries.occurred_at
        and {{ dbt.datediff('deliveries.occurred_at', 'opens.occurred_at', 'second') }}
        <= {{ var('machine_open_max_seconds_after_delivery') }}

),

classified as (

    select
        keyed.*,
        keyed.action = 'Email Opened'
        and (
            keyed.has_machine_open_flag
            or prefetched_opens.message_id is not null
            or exists (
                select 1
                from machine_open_user_agents
                where
                    (
                        machine_open_user_agents.match_type = 'exact'
                        and lower(trim(keyed.user_agent)) = machine_open_user_agents.pattern
                    )
                    or (
                        machine_open_user_agents.match_type = 'contains'
                        and lower(keyed.user_agent) like '%' || machine_open_user_agents.pattern || '%'
                    )
            )
        ) as is_machine_open
    from keyed
    left join prefetched_opens
        on keyed.source_name = prefetched_opens.source_name and keyed.message_id = prefetched_opens.message_id

),

final as (

    select
        message_id,
        occurred_at,
        received_at,
        loaded_at,
        source_name,
        source_kind,
        message_type,
        resolved_user_id as user_id,
        resolved_anonymous_id as anonymous_id,
        email,
        recipient_key,
        source_event_name,
        channel,
        action,
        action_detail,
        is_known_event,
        is_machine_open,
        not is_machine_open
        and action in (
            'Email Opened', 'Email Link Clicked', 'Push Notification Tapped', 'In-App Message Clicked',
            'SMS Link Clicked', 'Page Viewed', 'Screen Viewed', 'Application Opened', 'Order Completed',
            'Live Chat Conversation Started', 'Live Chat Message Sent', 'Survey Question Answered'
        ) as is_human_engagement,
        campaign_id,
        campaign_name,
        message_variation_id,
        message_variation_name,
        link_url,
        user_agent,
        cast(revenue as {{ type_double() }}) as revenue,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(conversation_id as {{ dbt.type_string() }}) as conversation_id,
        cast(agent_id as {{ dbt.type_string() }}) as agent_id,
        cast(agent_name as {{ dbt.type_string() }}) as agent_name,
        cast(conversation_duration_seconds as {{ type_double() }}) as conversation_duration_seconds,
        cast(survey_id as {{ dbt.type_string() }}) as survey_id,
        cast(survey_type as {{ dbt.type_string() }}) as survey_type,
        cast(survey_score as {{ type_double() }}) as survey_score,
        cast(experiment_id as {{ dbt.type_string() }}) as experiment_id,
        cast(experiment_name as {{ dbt.type_string() }}) as experiment_name,
        cast(variation_id as {{ dbt.type_string() }}) as variation_id,
        cast(variation_name as {{ dbt.type_string() }}) as variation_name,
        page_path,
        screen_name
    from classified

)

select * from final
