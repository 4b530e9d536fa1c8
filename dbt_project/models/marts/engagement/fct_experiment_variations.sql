{{ config(unique_key='variation_key') }}

{#- Experiment exposures (Experiment Viewed, Statsig exposures) per experiment and variation, with the
    profiles that purchased within var attribution_window_days of their first exposure. A profile counts in
    the variation it saw first. Exposures and purchases at or after as_of are left out. -#}

with recipient_first_exposures as (

    select * from {{ ref('int_experiment_first_exposures') }}
    where {{ before_as_of('exposed_at') }}

),

recipient_profiles as (

    select * from {{ ref('int_interaction_recipients_profiled') }}

),

purchases as (

    select * from {{ ref('int_purchases_unioned') }}
    where {{ before_as_of('purchased_at') }}

),

first_exposures as (

    -- A profile's first exposure is the earliest among its recipients' first exposures.
    select
        experiment_id,
        experiment_name,
        variation_id,
        variation_name,
        profile_id,
        exposed_at
    from (
        select
            recipient_first_exposures.experiment_id,
            recipient_first_exposures.experiment_name,
            recipient_first_exposures.variation_id,
            recipient_first_exposures.variation_name,
            recipient_profiles.profile_id,
            recipient_first_exposures.exposed_at,
            row_number() over (
                partition by recipient_first_exposures.experiment_id, recipient_profiles.profile_id
                order by recipient_first_exposures.exposed_at, recipient_first_exposures.message_id
            ) as exposure_rank
        from recipient_first_exposures
        inner join recipient_profiles
            on recipient_first_exposures.recipient_id = recipient_profiles.recipient_id
        where recipient_profiles.profile_id is not null
    ) as ranked
    where exposure_rank = 1

),

converted as (

    select distinct
        first_exposures.experiment_id,
        first_exposures.profile_id
    from first_exposures
    inner join purchases
        on
            first_exposures.profile_id = purchases.profile_id
            and purchases.purchased_at > first_exposures.exposed_at
            and purchases.purchased_at
            <= {{ dbt.dateadd('day', var('attribution_window_days'), 'first_exposures.exposed_at') }}

),

final as (

    select
        {{ surrogate_key(['first_exposures.experiment_id', 'first_exposures.variation_id']) }} as variation_key,
        first_exposures.experiment_id,
        max(first_exposures.experiment_name) as experiment_name,
        first_exposures.variation_id,
        max(first_exposures.variation_name) as variation_name,
        count(*) as exposed_profiles,
        count(converted.profile_id) as converted_profiles,
        {{ safe_ratio('count(converted.profile_id)', 'count(*)') }} as conversion_rate,
        min(first_exposures.exposed_at) as first_exposed_at
    from first_exposures
    left join converted
        on
            first_exposures.experiment_id = converted.experiment_id
            and first_exposures.profile_id = converted.profile_id
    group by first_exposures.experiment_id, first_exposures.variation_id

)

select * from final
