with source as (

    select * from {{ source('raw_events', 'rejects') }}

),

final as (

    select
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        code as reject_code,
        reason as reject_reason,
        path as request_path,
        source_name,
        source_kind,
        raw as raw_body,
        _spool_segment as spool_segment,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

)

select * from final
