{%- set passes = var('identity_passes') -%}
{{
    config(
        unique_key=['identifier_type', 'identifier_value'],
        post_hook=[
            "{% if is_incremental() %}{{ delete_unobserved_identifiers(this) }}{% endif %}",
            "{{ drop_label_passes(var('identity_passes'), materialized=['graph_nodes']) }}",
        ],
    )
}}

{#- Identity resolution: every identifier gets the profile it belongs to.
    Priority user_id > email > anonymous_id > vendor ids. A component's label is its highest-priority,
    earliest-seen identifier (compared column by column, so values may hold any character), and its profile_id
    is a hash of that identifier's type and value, so ids stay stable while the top identifier does.
    Merge protection: a user id is an anchor and never adopts another label, so a profile holds at most one user
    id. An identifier identified with user ids (on a record with them) is pinned to the best of them and never
    follows another identifier elsewhere: a device identified to one user stays with that user even when it
    shares an email with another. An email identified with two user ids (a family's, a team's) belongs here to
    the one seen first; identified_user_ids counts them, and int_identifiers_shared gives it to each of them.

    Incremental: label propagation is local, so after `passes` passes an identifier's label depends only on the
    identifiers within `passes` hops. A run finds the identifiers that changed (new, first seen earlier, or in
    a record whose members changed), takes every identifier within 2 × passes hops of them, propagates labels
    on that region alone and rewrites the identifiers within `passes` hops: exactly what a full rebuild gives
    them, while the rest of the graph is not touched. Identifiers no longer observed anywhere are found in
    the same comparison and deleted (post-hook). -#}

{#- The CTEs up to the graph's nodes, their starting labels and edges: label_propagation materializes them,
    then runs its passes. The nodes (who is in the region, and their order) take a pass over every identifier,
    so they are computed once (materialized_cte) for the propagation and the model's query alike. -#}
{% set observations_cte %}
observations as (

    select * from {{ ref('int_identifiers_observed') }}

)
{% endset %}

{% set node_ctes %}
record_members as (

    select
        record_id,
        {{ fingerprint_agg("identifier_type || ':' || identifier_value") }} as members_fingerprint
    from observations
    group by record_id

),

node_states as (

    -- What an identifier's stitching depends on around it: when it was first seen (its label) and the
    -- records it is in with their members (its edges).
    select
        observations.identifier_type,
        observations.identifier_value,
        min(observations.observed_at) as first_seen_at,
        {{ fingerprint_agg("observations.record_id || '=' || record_members.members_fingerprint") }}
            as records_fingerprint
    from observations
    inner join record_members
        on observations.record_id = record_members.record_id
    group by observations.identifier_type, observations.identifier_value

),

{% if is_incremental() -%}
    compared_nodes as (

        -- One pass over both sides finds the new and changed identifiers and those no longer observed.
        select
            coalesce(node_states.identifier_type, existing.identifier_type) as identifier_type,
            coalesce(node_states.identifier_value, existing.identifier_value) as identifier_value,
            node_states.identifier_value is null as is_unobserved
        from node_states
        full outer join {{ this }} as existing
            on
                node_states.identifier_type = existing.identifier_type
                and node_states.identifier_value = existing.identifier_value
        where
            existing.identifier_value is null
            or node_states.identifier_value is null
            or existing.records_fingerprint <> node_states.records_fingerprint
            or existing.first_seen_at is distinct from node_states.first_seen_at

    ),

    within_0_hops as (

        select
            identifier_type,
            identifier_value
        from compared_nodes
        where not is_unobserved

    ),
    {% for hop in range(1, 2 * passes + 1) %}
        records_within_{{ hop }}_hops as (

            select distinct observations.record_id
            from observations
            inner join within_{{ hop - 1 }}_hops as nearer
                on
                    observations.identifier_type = nearer.identifier_type
                    and observations.identifier_value = nearer.identifier_value

        ),

        within_{{ hop }}_hops as (

            select distinct
                observations.identifier_type,
                observations.identifier_value
            from observations
            inner join records_within_{{ hop }}_hops as nearer_records
                on observations.record_id = nearer_records.record_id

        ),
    {% endfor %}

    -- Only these have their whole neighbourhood of `passes` hops inside the region.
    rewritten_nodes as (

        select
            identifier_type,
            identifier_value
        from within_{{ passes }}_hops

    ),

    unobserved_nodes as (

        select
            identifier_type,
            identifier_value
        from compared_nodes
        where is_unobserved

    ),
{%- else %}
    rewritten_nodes as (

        select
            identifier_type,
            identifier_value
        from node_states

    ),

    unobserved_nodes as (

        select
            identifier_type,
            identifier_value
        from node_states
        where 1 = 0

    ),
{%- endif %}

region_nodes as (

    select node_states.*
    from node_states
    {% if is_incremental() %}
        inner join within_{{ 2 * passes }}_hops as region
            on
                node_states.identifier_type = region.identifier_type
                and node_states.identifier_value = region.identifier_value
    {% endif %}

),

candidate_labels as (

    -- A component's label is its best identifier: the highest priority (user id, email, anonymous id, vendor
    -- ids), then the earliest seen (never seen last), then by type and value.
    select
        identifier_type,
        identifier_value,
        first_seen_at,
        records_fingerprint,
        identifier_type = 'user_id' as is_anchor,
        case identifier_type
            when 'user_id' then 1
            when 'email' then 2
            when 'anonymous_id' then 3
            else 4
        end as label_priority
    from region_nodes

),

keyed_nodes as (

    -- Propagation compares and joins integers: a node's key is its place in label order, so the smallest key
    -- in a component is its label. Rewritten: the nodes whose whole neighbourhood of `passes` hops is in the
    -- region, which get exactly the label a full rebuild gives them.
    select
        row_number() over (
            order by
                candidate_labels.label_priority,
                candidate_labels.first_seen_at nulls last,
                candidate_labels.identifier_type,
                candidate_labels.identifier_value
        ) as node_key,
        candidate_labels.identifier_type,
        candidate_labels.identifier_value,
        candidate_labels.first_seen_at,
        candidate_labels.records_fingerprint,
        candidate_labels.is_anchor,
        rewritten_nodes.identifier_value is not null as is_rewritten
    from candidate_labels
    left join rewritten_nodes
        on
            candidate_labels.identifier_type = rewritten_nodes.identifier_type
            and candidate_labels.identifier_value = rewritten_nodes.identifier_value

),

graph_nodes as (

    -- The region's nodes, then the identifiers no longer observed anywhere, without a key.
    select
        *,
        false as is_unobserved
    from keyed_nodes

    union all

    select
        cast(null as {{ dbt.type_bigint() }}) as node_key,
        identifier_type,
        identifier_value,
        cast(null as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(null as {{ dbt.type_string() }}) as records_fingerprint,
        false as is_anchor,
        false as is_rewritten,
        true as is_unobserved
    from unobserved_nodes

)
{% endset %}

{% set graph_ctes %}
{{ observations_cte }},

{{ materialized_cte('graph_nodes', node_ctes, context=observations_cte) }},

nodes as (

    select
        node_key,
        identifier_type,
        identifier_value,
        first_seen_at,
        records_fingerprint,
        is_anchor,
        is_rewritten
    from graph_nodes
    where not is_unobserved

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

identified_users as (

    -- The user ids each identifier was identified with: those on one of its records.
    select
        edges.from_node as node_key,
        min(edges.to_node) as best_user_node,
        count(*) as user_ids
    from edges
    inner join nodes as user_node
        on edges.to_node = user_node.node_key
    where user_node.is_anchor
    group by edges.from_node

),

node_labels as (

    -- User ids are anchors labelled by themselves; an identifier identified with user ids is pinned to the best
    -- of them (the smallest key), so it never takes another user's label through a shared neighbour.
    select
        nodes.node_key,
        case
            when nodes.is_anchor then nodes.node_key
            else coalesce(identified_users.best_user_node, nodes.node_key)
        end as label,
        nodes.is_anchor or identified_users.node_key is not null as is_anchor
    from nodes
    left join identified_users
        on nodes.node_key = identified_users.node_key

)
{% endset %}

with {{ graph_ctes }},

{{ label_propagation('node_labels', 'edges', passes, result='propagated_labels', graph_ctes=graph_ctes) }},

labelled as (

    select
        nodes.identifier_type,
        nodes.identifier_value,
        nodes.first_seen_at,
        nodes.records_fingerprint,
        coalesce(identified_users.user_ids, 0) as identified_user_ids,
        profile_node.identifier_type as profile_identifier_type,
        profile_node.identifier_value as profile_identifier_value
    from nodes
    inner join propagated_labels as final_label
        on nodes.node_key = final_label.node_key
    inner join nodes as profile_node
        on final_label.label = profile_node.node_key
    left join identified_users
        on nodes.node_key = identified_users.node_key
    where nodes.is_rewritten

),

final as (

    select
        {{ identifier_key('profile_identifier_type', 'profile_identifier_value') }} as profile_id,
        identifier_type,
        identifier_value,
        first_seen_at,
        {{ dbt.concat(['profile_identifier_type', "':'", 'profile_identifier_value']) }} as profile_anchor,
        records_fingerprint,
        identified_user_ids
    from labelled

    union all

    -- Identifiers no longer observed anywhere, found by incremental runs (a Stripe customer or a Zendesk user
    -- deleted, an email changed): written without a profile so that their stored rows are replaced, then
    -- removed by the post-hook. Their former neighbours changed records, so they were re-stitched above.
    select
        cast(null as {{ dbt.type_string() }}) as profile_id,
        identifier_type,
        identifier_value,
        cast(null as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(null as {{ dbt.type_string() }}) as profile_anchor,
        cast(null as {{ dbt.type_string() }}) as records_fingerprint,
        cast(null as {{ dbt.type_bigint() }}) as identified_user_ids
    from graph_nodes
    where is_unobserved

)

select * from final
