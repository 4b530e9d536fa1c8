{{
    config(
        materialized='incremental',
        incremental_strategy='changed_rows',
        unique_key='recipient_id',
        on_schema_change='fail',
    )
}}

{#- Human email opens, clicks, visits and orders of each recipient over the 90 days before the as_of date.
    Counted per recipient (user id, email, anonymous id), not per profile, so it depends on the events alone:
    it is built alongside identity instead of after it, and dim_profile_traits rolls it up to profiles. -#}

with interaction_events as (

    select * from {{ ref('int_interaction_events') }}

),

final as (

    select
        {{ recipient_id('user_id', 'email', 'anonymous_id') }} as recipient_id,
        count(case when action = 'Email Opened' and not is_machine_open then 1 end) as email_opens_90d,
        count(case when action = 'Email Link Clicked' then 1 end) as email_clicks_90d,
        count(case when action in ('Page Viewed', 'Screen Viewed') then 1 end) as visits_90d,
        count(case when action = 'Order Completed' then 1 end) as orders_90d
    from interaction_events
    where
        occurred_at >= {{ days_before_as_of(90) }}
        and action in ('Email Opened', 'Email Link Clicked', 'Page Viewed', 'Screen Viewed', 'Order Completed')
    group by user_id, email, anonymous_id

)

select * from final
