{{ config(unique_key=['experiment_id', 'recipient_id']) }}

{#- Each recipient's first exposure to each experiment (Experiment Viewed, Statsig exposures): the earliest,
    ties broken by message id. Kept per recipient, not per profile, so stitching never invalidates a row;
    fct_experiment_variations picks each profile's first among its recipients. Incremental: exposures loaded
    since the newest one here are merged with the existing row of their recipient, keeping the earlier. -#}

with new_exposures as (

    select
        experiment_id,
        {{ recipient_id('user_id', 'email', 'anonymous_id') }} as recipient_id,
        message_id,
        occurred_at as exposed_at,
        experiment_name,
        variation_id,
        variation_name,
        loaded_at as last_loaded_at
    from {{ ref('int_interaction_events') }}
    where
        action = 'Experiment Viewed'
        and experiment_id is not null
        {% if is_incremental() -%}
            and loaded_at > {{ newest_loaded_at(this, 'last_loaded_at') }}
        {%- endif %}

),

{% if is_incremental() -%}
    touched as (

        select distinct
            experiment_id,
            recipient_id
        from new_exposures

    ),
{%- endif %}

candidates as (

    select * from new_exposures

    {% if is_incremental() -%}
        union all

        select
            existing.experiment_id,
            existing.recipient_id,
            existing.message_id,
            existing.exposed_at,
            existing.experiment_name,
            existing.variation_id,
            existing.variation_name,
            existing.last_loaded_at
        from {{ this }} as existing
        inner join touched
            on
                existing.experiment_id = touched.experiment_id
                and existing.recipient_id = touched.recipient_id
    {%- endif %}

),

ranked as (

    select
        *,
        row_number() over (
            partition by experiment_id, recipient_id order by exposed_at, message_id
        ) as exposure_rank,
        max(last_loaded_at) over (partition by experiment_id, recipient_id) as newest_loaded_at
    from candidates

),

final as (

    select
        experiment_id,
        recipient_id,
        message_id,
        exposed_at,
        experiment_name,
        variation_id,
        variation_name,
        newest_loaded_at as last_loaded_at
    from ranked
    where exposure_rank = 1

)

select * from final
