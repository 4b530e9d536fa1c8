{#- Connected components by label propagation, unrolled into `passes` CTEs (portable: no recursive CTE).
    `nodes` has (node_key, label, is_anchor); `edges` has (from_node, to_node), both directions. Each pass a
    node takes the smallest label among itself and its neighbours; anchors (user ids) keep their own label, so
    no component ever holds two anchors. Components wider than `passes` hops stay split: raise the pass count
    (var identity_passes) if the graph has long chains. Emits CTEs label_pass_0 .. label_pass_<passes>. -#}
{% macro label_propagation_ctes(nodes, edges, passes) -%}
label_pass_0 as (

    select node_key, label, is_anchor from {{ nodes }}

),
{% for pass in range(1, passes + 1) %}
label_pass_{{ pass }} as (

    select
        current_label.node_key,
        current_label.is_anchor,
        case
            when current_label.is_anchor then current_label.label
            else least(current_label.label, coalesce(min(neighbour.label), current_label.label))
        end as label
    from label_pass_{{ pass - 1 }} as current_label
    left join {{ edges }} as edge
        on current_label.node_key = edge.from_node
    left join label_pass_{{ pass - 1 }} as neighbour
        on edge.to_node = neighbour.node_key
    group by current_label.node_key, current_label.is_anchor, current_label.label

){% if not loop.last %},{% endif %}
{% endfor %}
{%- endmacro %}
