{{
    config(
        materialized=recomputed_materialization(),
        incremental_strategy='changed_rows',
        unique_key='recipient_id',
    )
}}

{#- Interaction recipients with the profile they belong to (the rule of macro select_with_recipient_profile, as
    in int_interaction_events_profiled), and their latest engagement before as_of. Rebuilt every run, so
    identity changes apply at once: it is small (one row per distinct recipient), and the incremental marts
    look their rows' profiles up here by recipient_id instead of joining the identity tables to every event.
    int_interaction_recipients keeps each recipient's latest engagement ever. A recipient that engaged at or
    after as_of (only when as_of is pinned to a past day) has its latest engagement before as_of read again from
    its own events, so a past as_of sees what it saw then; every other recipient's stored times already are. -#}

with recipients as (

    select * from {{ ref('int_interaction_recipients') }}

),

interaction_events as (

    select * from {{ ref('int_interaction_events') }}

),

identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

engaged_since_as_of as (

    -- Every kind of engagement kept here is human engagement, so its latest time tells them all.
    select
        recipient_id,
        user_id,
        email,
        anonymous_id,
        last_loaded_at
    from recipients
    where not {{ before_as_of('last_human_engagement_at') }}

),

earlier_events as (

    -- '' is never a cleaned id (it is a blocked value), so it can stand for "none" in the join.
    select
        engaged_since_as_of.recipient_id,
        interaction_events.*
    from interaction_events
    inner join engaged_since_as_of
        on
            coalesce(interaction_events.user_id, '') = coalesce(engaged_since_as_of.user_id, '')
            and coalesce(interaction_events.email, '') = coalesce(engaged_since_as_of.email, '')
            and coalesce(interaction_events.anonymous_id, '') = coalesce(engaged_since_as_of.anonymous_id, '')
    where {{ before_as_of('interaction_events.occurred_at') }}

),

earlier_engagement as (

    select
        earlier_events.recipient_id,
        {{ latest_engagement_times('earlier_events') }}
    from earlier_events
    group by earlier_events.recipient_id

),

earlier_nps_answers as (

    select
        earlier_events.recipient_id,
        earlier_events.occurred_at as answered_at,
        earlier_events.message_id,
        earlier_events.survey_score,
        row_number() over (
            partition by earlier_events.recipient_id
            order by earlier_events.occurred_at desc, earlier_events.message_id asc
        ) as answer_rank
    from earlier_events
    where {{ is_nps_answer('earlier_events') }}

),

recipients_as_of as (

    select
        recipient_id,
        user_id,
        email,
        anonymous_id,
        last_human_email_open_at,
        last_email_click_at,
        last_visit_at,
        last_human_engagement_at,
        last_nps_answered_at,
        last_nps_message_id,
        last_nps_score,
        last_loaded_at
    from recipients
    where coalesce({{ before_as_of('last_human_engagement_at') }}, true)

    union all

    select
        engaged_since_as_of.recipient_id,
        engaged_since_as_of.user_id,
        engaged_since_as_of.email,
        engaged_since_as_of.anonymous_id,
        earlier_engagement.last_human_email_open_at,
        earlier_engagement.last_email_click_at,
        earlier_engagement.last_visit_at,
        earlier_engagement.last_human_engagement_at,
        earlier_nps_answers.answered_at as last_nps_answered_at,
        earlier_nps_answers.message_id as last_nps_message_id,
        earlier_nps_answers.survey_score as last_nps_score,
        engaged_since_as_of.last_loaded_at
    from engaged_since_as_of
    left join earlier_engagement
        on engaged_since_as_of.recipient_id = earlier_engagement.recipient_id
    left join earlier_nps_answers
        on
            engaged_since_as_of.recipient_id = earlier_nps_answers.recipient_id
            and earlier_nps_answers.answer_rank = 1

),

final as (

    {{ select_with_recipient_profile('recipients_as_of', 'identifiers') }}

)

select * from final
