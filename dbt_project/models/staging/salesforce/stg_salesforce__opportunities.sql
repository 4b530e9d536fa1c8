with source as (

    select * from {{ source('raw_salesforce', 'opportunities') }}

),

final as (

    select
        id as opportunity_id,
        account_id,
        stage_name,
        amount,
        close_date,
        is_won,
        cast(system_modstamp as {{ dbt.type_timestamp() }}) as modified_at,
        _synced_at as synced_at
    from source
    where not coalesce(is_deleted, false)

)

select * from final
