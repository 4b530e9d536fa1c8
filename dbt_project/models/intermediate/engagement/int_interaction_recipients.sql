{{ config(unique_key='recipient_id') }}

{#- One row per distinct (user_id, email, anonymous_id) seen on interactions, with the latest time of each kind
    of engagement and the latest NPS answer. Profiles change as identity is stitched, recipients do not: the
    profile marts roll these rows up through int_identifiers_stitched instead of rescanning every event.
    Incremental: the recipients of newly loaded events are merged with their existing row (latest of each
    time, latest answer), which is what a full rebuild computes. -#}

with new_events as (

    select * from {{ ref('int_interaction_events') }}
    {% if is_incremental() -%}
        where loaded_at > {{ newest_loaded_at(this, 'last_loaded_at') }}
    {%- endif %}

),

new_activity as (

    select
        {{ recipient_id('new_events.user_id', 'new_events.email', 'new_events.anonymous_id') }} as recipient_id,
        new_events.user_id,
        new_events.email,
        new_events.anonymous_id,
        {{ latest_engagement_times('new_events') }},
        max(new_events.loaded_at) as last_loaded_at
    from new_events
    group by new_events.user_id, new_events.email, new_events.anonymous_id

),

new_nps_answers as (

    select
        new_events.user_id,
        new_events.email,
        new_events.anonymous_id,
        new_events.occurred_at as answered_at,
        new_events.message_id,
        new_events.survey_score
    from new_events
    where {{ is_nps_answer('new_events') }}

),

new_latest_answers as (

    select
        user_id,
        email,
        anonymous_id,
        answered_at,
        message_id,
        survey_score
    from (
        select
            *,
            row_number() over (
                partition by user_id, email, anonymous_id order by answered_at desc, message_id asc
            ) as answer_rank
        from new_nps_answers
    ) as ranked_answers
    where answer_rank = 1

),

candidates as (

    select
        new_activity.recipient_id,
        new_activity.user_id,
        new_activity.email,
        new_activity.anonymous_id,
        new_activity.last_human_email_open_at,
        new_activity.last_email_click_at,
        new_activity.last_visit_at,
        new_activity.last_human_engagement_at,
        new_activity.last_loaded_at,
        latest_answer.answered_at as last_nps_answered_at,
        latest_answer.message_id as last_nps_message_id,
        latest_answer.survey_score as last_nps_score
    from new_activity
    left join new_latest_answers as latest_answer
        on
            coalesce(new_activity.user_id, '') = coalesce(latest_answer.user_id, '')
            and coalesce(new_activity.email, '') = coalesce(latest_answer.email, '')
            and coalesce(new_activity.anonymous_id, '') = coalesce(latest_answer.anonymous_id, '')

    {% if is_incremental() -%}
        union all

        select
            existing.recipient_id,
            existing.user_id,
            existing.email,
            existing.anonymous_id,
            existing.last_human_email_open_at,
            existing.last_email_click_at,
            existing.last_visit_at,
            existing.last_human_engagement_at,
            existing.last_loaded_at,
            existing.last_nps_answered_at,
            existing.last_nps_message_id,
            existing.last_nps_score
        from {{ this }} as existing
        where existing.recipient_id in (select new_activity.recipient_id from new_activity)
    {%- endif %}

),

ranked as (

    select
        *,
        row_number() over (
            partition by recipient_id
            order by
                case when last_nps_answered_at is null and last_nps_message_id is null then 1 else 0 end,
                last_nps_answered_at desc,
                last_nps_message_id asc
        ) as answer_rank
    from candidates

),

final as (

    select
        recipient_id,
        max(user_id) as user_id,
        max(email) as email,
        max(anonymous_id) as anonymous_id,
        max(last_human_email_open_at) as last_human_email_open_at,
        max(last_email_click_at) as last_email_click_at,
        max(last_visit_at) as last_visit_at,
        max(last_human_engagement_at) as last_human_engagement_at,
        max(case when answer_rank = 1 then last_nps_answered_at end) as last_nps_answered_at,
        max(case when answer_rank = 1 then last_nps_message_id end) as last_nps_message_id,
        max(case when answer_rank = 1 then last_nps_score end) as last_nps_score,
        max(last_loaded_at) as last_loaded_at
    from ranked
    group by recipient_id

)

select * from final
