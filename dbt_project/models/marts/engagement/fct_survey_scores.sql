{{ config(unique_key='survey_key') }}

{#- Survey results per survey: responses, average score and, for NPS surveys, the Net Promoter Score
    (% promoters − % detractors), over the answers given before as_of. -#}

with responses as (

    select * from {{ ref('fct_survey_responses') }}
    where {{ before_as_of('answered_at') }}

),

counts as (

    select
        survey_id,
        survey_type,
        count(*) as responses,
        count(score) as scored_responses,
        avg(score) as average_score,
        count(case when nps_category = 'promoter' then 1 end) as promoters,
        count(case when nps_category = 'passive' then 1 end) as passives,
        count(case when nps_category = 'detractor' then 1 end) as detractors,
        max(answered_at) as last_answered_at
    from responses
    group by survey_id, survey_type

),

final as (

    select
        {{ surrogate_key(['survey_id', 'survey_type']) }} as survey_key,
        survey_id,
        survey_type,
        responses,
        average_score,
        promoters,
        passives,
        detractors,
        case
            when survey_type = 'NPS'
                then round(100.0 * (promoters - detractors) / nullif(scored_responses, 0), 1)
        end as net_promoter_score,
        last_answered_at
    from counts

)

select * from final
