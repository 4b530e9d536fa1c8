{#- Connected components by label propagation, unrolled into `passes` CTEs (portable: no recursive CTE).
    `nodes` has (node_key, label, is_anchor), `label` any ordered type; `edges` has (from_node, to_node), both
    directions. Each pass a node takes the smallest label among itself and its neighbours; anchors (user ids)
    keep their own label, so no component ever holds two anchors. Components wider than `passes` hops stay
    split: raise the pass count (var identity_passes) if the graph has long chains.
    Emits CTEs, the last one named `result` with (node_key, label, is_anchor, is_changed); the others are named
    after it (`<result>_pass_<n>`, `<result>_offered_<n>`).
    Only neighbours whose label changed in the previous pass are looked at: an unchanged neighbour's label was
    already offered to the node then, so the result is the same as comparing every neighbour every pass, and
    once most components have settled (usually after one or two passes) a pass costs next to nothing. -#}
{% macro label_propagation_ctes(nodes, edges, passes, result) -%}
{%- set pass_names = [] -%}
{%- for pass in range(passes + 1) -%}
    {%- do pass_names.append(result if pass == passes else result ~ '_pass_' ~ pass) -%}
{%- endfor -%}
{{ pass_names[0] }} as (

    select
        node_key,
        label,
        is_anchor,
        true as is_changed
    from {{ nodes }}

),
{% for pass in range(1, passes + 1) %}
{{ result }}_offered_{{ pass }} as (

    select
        edge.from_node as node_key,
        min(neighbour.label) as offered_label
    from {{ pass_names[pass - 1] }} as neighbour
    inner join {{ edges }} as edge
        on neighbour.node_key = edge.to_node
    where neighbour.is_changed
    group by edge.from_node

),

{{ pass_names[pass] }} as (

    select
        current_label.node_key,
        current_label.is_anchor,
        case
            when not current_label.is_anchor and offered.offered_label < current_label.label
                then offered.offered_label
            else current_label.label
        end as label,
        coalesce(not current_label.is_anchor and offered.offered_label < current_label.label, false)
            as is_changed
    from {{ pass_names[pass - 1] }} as current_label
    left join {{ result }}_offered_{{ pass }} as offered
        on current_label.node_key = offered.node_key

){% if not loop.last %},{% endif %}
{% endfor %}
{%- endmacro %}
