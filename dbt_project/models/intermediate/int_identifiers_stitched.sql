{#- Identity resolution: every identifier gets the profile it belongs to.
    Priority user_id > email > anonymous_id > vendor ids. A component's label is its highest-priority,
    earliest-seen identifier, and its profile_id is a hash of that identifier, so ids stay stable while the
    top identifier does. Merge protection: a user id is an anchor and never adopts another label, so a profile
    holds at most one user id; an email seen with two user ids joins the one seen first. -#}

with observations as (

    select * from {{ ref('int_identifiers_observed') }}

),

labelled_nodes as (

    select
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

numbered_nodes as (

    -- Propagation compares and joins integers, not strings: a node's number orders like its label, so the
    -- smallest number in a component is its smallest label.
    select
        row_number() over (order by label) as node_number,
        identifier_type,
        identifier_value,
        first_seen_at,
        is_anchor,
        label as label_text
    from labelled_nodes

),

nodes as (

    select
        node_number as node_key,
        node_number as label,
        identifier_type,
        identifier_value,
        first_seen_at,
        is_anchor,
        label_text
    from numbered_nodes

),

record_nodes as (

    select distinct
        observations.record_id,
        nodes.node_key
    from observations
    inner join nodes
        on
            observations.identifier_type = nodes.identifier_type
            and observations.identifier_value = nodes.identifier_value

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
        nodes.identifier_type,
        nodes.identifier_value,
        nodes.first_seen_at,
        profile_label.label_text as profile_label
    from nodes
    inner join label_pass_{{ var('identity_passes') }} as final_label
        on nodes.node_key = final_label.node_key
    inner join nodes as profile_label
        on final_label.label = profile_label.label

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
