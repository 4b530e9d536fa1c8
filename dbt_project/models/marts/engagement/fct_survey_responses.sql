{#- One row per survey answer (Delighted, Wootric, ...). NPS answers get a category: promoter 9–10, passive
    7–8, detractor 0–6. -#}

with survey_events as (

    select * from {{ ref('int_interaction_events_profiled') }}
    where action = 'Survey Question Answered'

),

final as (

    select
        message_id as response_id,
        source_name,
        source_kind,
        profile_id,
        survey_id,
        upper(survey_type) as survey_type,
        survey_score as score,
        case
            when upper(survey_type) <> 'NPS' or survey_score is null then null
            when survey_score >= 9 then 'promoter'
            when survey_score >= 7 then 'passive'
            else 'detractor'
        end as nps_category,
        occurred_at as answered_at
    from survey_events

)

select * from final
