{{
    config(
        unique_key='response_id',
        materialized=keyed_materialization(),
        incremental_strategy=keyed_incremental_strategy(),
    )
}}

{#- One row per survey answer (Delighted, Wootric, ...). NPS answers get a category: promoter 9–10, passive
    7–8, detractor 0–6. Merged by key rather than recomputed like most marts, as it grows with the events:
    answers loaded since the newest one here are added, and answers already here are rewritten only when their
    recipient now belongs to another profile. -#}

with survey_events as (

    select * from {{ ref('int_interaction_events') }}
    where
        action = 'Survey Question Answered'
        {% if is_incremental() -%}
            and loaded_at > {{ newest_loaded_at(this, 'loaded_at') }}
        {%- endif %}

),

recipient_profiles as (

    select * from {{ ref('int_interaction_recipients_profiled') }}

),

new_responses as (

    select
        message_id as response_id,
        source_name,
        source_kind,
        {{ recipient_id('user_id', 'email', 'anonymous_id') }} as recipient_id,
        survey_id,
        upper(survey_type) as survey_type,
        survey_score as score,
        case
            when upper(survey_type) <> 'NPS' or survey_score is null then null
            when survey_score >= 9 then 'promoter'
            when survey_score >= 7 then 'passive'
            else 'detractor'
        end as nps_category,
        occurred_at as answered_at,
        loaded_at
    from survey_events

),

responses as (

    select
        new_responses.response_id,
        new_responses.source_name,
        new_responses.source_kind,
        recipient_profiles.profile_id,
        new_responses.recipient_id,
        new_responses.survey_id,
        new_responses.survey_type,
        new_responses.score,
        new_responses.nps_category,
        new_responses.answered_at,
        new_responses.loaded_at
    from new_responses
    left join recipient_profiles
        on new_responses.recipient_id = recipient_profiles.recipient_id

    {% if is_incremental() -%}
        union all

        {{ rows_with_moved_profile(this, 'recipient_profiles', [
            'response_id', 'source_name', 'source_kind', 'profile_id', 'recipient_id', 'survey_id',
            'survey_type', 'score', 'nps_category', 'answered_at', 'loaded_at',
        ]) }}
    {%- endif %}

)

select * from responses
