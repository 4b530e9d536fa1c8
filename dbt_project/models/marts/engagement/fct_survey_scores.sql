{#- Survey results per survey: responses, average score and, for NPS surveys, the Net Promoter Score
    (% promoters − % detractors). -#}

with responses as (

    select * from {{ ref('fct_survey_responses') }}

),

final as (

    select
        {{ surrogate_key(['survey_id', 'survey_type']) }} as survey_key,
        survey_id,
        survey_type,
        count(*) as responses,
        avg(score) as average_score,
        count(case when nps_category = 'promoter' then 1 end) as promoters,
        count(case when nps_category = 'passive' then 1 end) as passives,
        count(case when nps_category = 'detractor' then 1 end) as detractors,
        case
            when survey_type = 'NPS' then round(
                100.0 * (
                    count(case when nps_category = 'promoter' then 1 end)
                    - count(case when nps_category = 'detractor' then 1 end)
                ) / nullif(count(score), 0), 1
            )
        end as net_promoter_score,
        max(answered_at) as last_answered_at
    from responses
    group by survey_id, survey_type

)

select * from final
