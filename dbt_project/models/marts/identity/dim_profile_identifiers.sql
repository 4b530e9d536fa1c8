{{ config(materialized='view') }}

{#- A view: the rows are int_identifiers_stitched's, renamed, so the warehouse does not store them twice. -#}

with identifiers as (

    select * from {{ ref('int_identifiers_stitched') }}

),

final as (

    select
        profile_id,
        identifier_type as type,
        identifier_value as value,
        first_seen_at
    from identifiers

)

select * from final
