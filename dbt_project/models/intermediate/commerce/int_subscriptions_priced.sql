{{
    config(
        materialized=recomputed_materialization(),
        incremental_strategy='changed_rows',
        unique_key='subscription_id',
    )
}}

{#- Stripe subscriptions with their profile and monthly recurring revenue (MRR, major units). Recomputed on
    every run, since stitching may move a customer to another profile; only the rows that changed are written. -#}

with subscriptions as (

    select * from {{ ref('stg_stripe__subscriptions') }}

),

prices as (

    select * from {{ ref('stg_stripe__prices') }}

),

identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

final as (

    select
        subscriptions.subscription_id,
        subscriptions.customer_id,
        identifiers.profile_id,
        subscriptions.subscription_status,
        subscriptions.price_id,
        prices.recurring_interval,
        subscriptions.created_at,
        subscriptions.trial_ended_at,
        subscriptions.canceled_at,
        subscriptions.ended_at,
        subscriptions.subscription_status in ('active', 'trialing', 'past_due') as is_live,
        case
            when subscriptions.subscription_status in ('active', 'past_due')
                then
                    {{ cents_to_amount('prices.unit_amount_cents') }} * coalesce(subscriptions.quantity, 1)
                    -- Months per interval as a double: Spark divides decimals to six places (1.0 / 12 would
                    -- be 0.083333, and a yearly 240.00 a monthly 19.99992).
                    * case prices.recurring_interval
                        when 'month' then 1
                        when 'year' then cast(1 as {{ type_double() }}) / 12
                        when 'week' then cast(52 as {{ type_double() }}) / 12
                        when 'day' then cast(365 as {{ type_double() }}) / 12
                        else 0
                    end
            else 0
        end as mrr
    from subscriptions
    left join prices
        on subscriptions.price_id = prices.price_id
    left join identifiers
        on
            identifiers.identifier_type = 'stripe_customer_id'
            and subscriptions.customer_id = identifiers.identifier_value

)

select * from final
