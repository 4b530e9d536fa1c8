{#- Identity resolution: every identifier gets the profile it belongs to.
    Priority user_id > email > anonymous_id > vendor ids. A component's label is its highest-priority,
    earliest-seen identifier, and its profile_id is a hash of that identifier, so ids stay stable while the
    top identifier does. Merge protection: a user id is an anchor and never adopts another label, so a profile
    holds at most one user id; an email seen with two user ids joins the one seen first. -#}

with observations as (

    select * from {{ ref('int_identifiers_observed') }}

),

nodes as (

    select
        identifier_type || ':' || identifier_value as node_key,
        identifier_type,
        identifier_value,
        min(observed_at) as first_seen_at,
        identifier_type = 'user_id' as is_anchor,
        case identifier_type
            when 'user_id' then '1'
            when 'email' then '2'
            when 'anonymous_id' then '3'
            else '4'
        end
        || '|' || coalesce(cast(min(observed_at) as {{ dbt.type_string() }}), '9999')
        || '|' || identifier_type || ':' || identifier_value as label
    from observations
    group by identifier_type, identifier_value

),

record_nodes as (

    select distinct
        record_id,
        identifier_type || ':' || identifier_value as node_key
    from observations

),

edges as (

    select distinct
        this_node.node_key as from_node,
        other_node.node_key as to_node
    from record_nodes as this_node
    inner join record_nodes as other_node
        on
            this_node.record_id = other_node.record_id
            and this_node.node_key <> other_node.node_key

),

{{ label_propagation_ctes('nodes', 'edges', var('identity_passes')) }},

labelled as (

    select
        nodes.node_key,
        nodes.identifier_type,
        nodes.identifier_value,
        nodes.first_seen_at,
        final_label.label as profile_label
    from nodes
    inner join label_pass_{{ var('identity_passes') }} as final_label
        on nodes.node_key = final_label.node_key

),

final as (

    select
        {{ dbt.hash(dbt.split_part('profile_label', "'|'", 3)) }} as profile_id,
        identifier_type,
        identifier_value,
        first_seen_at,
        {{ dbt.split_part('profile_label', "'|'", 3) }} as profile_anchor
    from labelled

)

select * from final
