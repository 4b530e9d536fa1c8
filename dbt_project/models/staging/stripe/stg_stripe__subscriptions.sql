with source as (

    select * from {{ source('raw_stripe', 'subscriptions') }}

),

final as (

    select
        id as subscription_id,
        customer_id,
        status as subscription_status,
        price_id,
        quantity,
        cast(created as {{ dbt.type_timestamp() }}) as created_at,
        cast(current_period_start as {{ dbt.type_timestamp() }}) as current_period_start_at,
        cast(current_period_end as {{ dbt.type_timestamp() }}) as current_period_end_at,
        cast(canceled_at as {{ dbt.type_timestamp() }}) as canceled_at,
        cast(ended_at as {{ dbt.type_timestamp() }}) as ended_at,
        {{ epoch_seconds_to_timestamp(json_text('data', 'trial_end')) }} as trial_ended_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
