{#- Connected components by label propagation, unrolled into `passes` CTEs (portable: no recursive CTE).
    `nodes` has (node_key, label, is_anchor), `label` any ordered type; `edges` has (from_node, to_node), both
    directions. Each pass a node takes the smallest label among itself and its neighbours; anchors (user ids)
    keep their own label, so no component ever holds two anchors. Components wider than `passes` hops stay
    split: raise the pass count (var identity_passes) if the graph has long chains.
    Emits CTEs, the last one named `result` with (node_key, label, is_anchor, is_changed); the others are named
    after it (`<result>_pass_<n>`), each pass the query of `label_pass_sql`.
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
{{ pass_names[pass] }} as (

    {{ label_pass_sql(pass_names[pass - 1], edges) }}

){% if not loop.last %},{% endif %}
{% endfor %}
{%- endmacro %}

{#- The same propagation with each pass computed once: `nodes` and `edges` (CTEs of `graph_ctes`, the model's
    CTE definitions up to them) are materialized, then each pass is a temporary table made from the one
    before, until a pass changes no label or `passes` passes ran. A pass that changes nothing is a fixed
    point, so stopping there gives the labels of all `passes` passes. Unrolled CTEs would be the same SQL,
    but a distributed planner (Spark) inlines each CTE where it is used, and every pass uses the one before
    twice: the work doubles with each pass. Emits the CTE `result` (node_key, label, is_anchor, is_changed)
    that reads the last pass, to follow `graph_ctes` in the model's query.
    Falls back to `label_propagation_ctes` where statements cannot run: parsing, `dbt compile`, docs, and
    unit tests (whose inputs exist only inside the test's own query). -#}
{% macro label_propagation(nodes, edges, passes, result, graph_ctes) -%}
    {%- if not (execute and flags.WHICH in ('run', 'build') and model.resource_type == 'model') -%}
        {{ return(label_propagation_ctes(nodes, edges, passes, result)) }}
    {%- endif -%}
    {%- set graph_nodes = label_pass_relation('nodes') -%}
    {%- set graph_edges = label_pass_relation('edges') -%}
    {%- do run_query(label_pass_table(graph_nodes, 'with ' ~ graph_ctes ~ ' select node_key, label, is_anchor from ' ~ nodes)) -%}
    {%- do run_query(label_pass_table(graph_edges, 'with ' ~ graph_ctes ~ ' select from_node, to_node from ' ~ edges)) -%}
    {#- A namespace, as a variable set inside a Jinja loop does not outlive its iteration. -#}
    {%- set state = namespace(previous=label_pass_relation(0), settled=false) -%}
    {%- do run_query(label_pass_table(state.previous, 'select node_key, label, is_anchor, true as is_changed from ' ~ graph_nodes)) -%}
    {%- for pass in range(1, passes + 1) if not state.settled -%}
        {%- set changed = run_query('select count(*) from ' ~ state.previous ~ ' where is_changed').columns[0].values()[0] -%}
        {%- if changed > 0 -%}
            {%- set current = label_pass_relation(pass) -%}
            {%- do run_query(label_pass_table(current, label_pass_sql(state.previous, graph_edges))) -%}
            {%- set state.previous = current -%}
        {%- else -%}
            {%- set state.settled = true -%}
        {%- endif -%}
    {%- endfor %}
{{ result }} as (

    select node_key, label, is_anchor, is_changed from {{ state.previous }}

)
{%- endmacro %}

{#- One pass, over the previous pass's CTE or table: each node takes the smallest label a neighbour changed to
    in the previous pass, when smaller than its own and the node is no anchor. -#}
{% macro label_pass_sql(previous, edges) -%}
    with offered as (
        select edge.from_node as node_key, min(neighbour.label) as offered_label
        from {{ previous }} as neighbour
        inner join {{ edges }} as edge on neighbour.node_key = edge.to_node
        where neighbour.is_changed
        group by edge.from_node
    )
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
    from {{ previous }} as current_label
    left join offered on current_label.node_key = offered.node_key
{%- endmacro %}

{#- The relation holding one step of the current model's propagation (`nodes`, `edges` or a pass number),
    named after the model: a table beside it by default, a temporary one where the engine has them. -#}
{% macro label_pass_relation(step) -%}
    {{ return(adapter.dispatch('label_pass_relation', 'interaction_pipeline')(step)) }}
{%- endmacro %}

{% macro default__label_pass_relation(step) -%}
    {{ return(this.incorporate(path={'identifier': this.identifier ~ '__labels_' ~ step})) }}
{%- endmacro %}

{#- Temporary tables take no schema. -#}
{% macro duckdb__label_pass_relation(step) -%}
    {{ return(default__label_pass_relation(step).include(database=false, schema=false)) }}
{%- endmacro %}

{% macro postgres__label_pass_relation(step) -%}
    {{ return(default__label_pass_relation(step).include(database=false, schema=false)) }}
{%- endmacro %}


{#- A statement that (re)creates `relation` as `sql`, computed once and kept for the rest of the run. -#}
{% macro label_pass_table(relation, sql) -%}
    {{ return(adapter.dispatch('label_pass_table', 'interaction_pipeline')(relation, sql)) }}
{%- endmacro %}

{#- A table beside the model: every warehouse has them (BigQuery has temporary tables only in scripts). -#}
{% macro default__label_pass_table(relation, sql) -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {{ return('create table ' ~ relation ~ ' as ' ~ sql) }}
{%- endmacro %}

{#- DuckDB keeps a temporary table in memory, Postgres writes it without WAL: the passes cost no storage. -#}
{% macro duckdb__label_pass_table(relation, sql) -%}
    {{ return('create or replace temporary table ' ~ relation ~ ' as ' ~ sql) }}
{%- endmacro %}

{% macro postgres__label_pass_table(relation, sql) -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {{ return('create temporary table ' ~ relation ~ ' as ' ~ sql) }}
{%- endmacro %}

{#- Spark's temporary relations are views that keep their query: each pass would be planned again from all
    the passes before it. A parquet table beside the model holds the rows alone. -#}
{% macro spark__label_pass_table(relation, sql) -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {{ return('create table ' ~ relation ~ ' using parquet as ' ~ sql) }}
{%- endmacro %}

{#- `ctes` (CTE definitions that end with the CTE `result`) computed once into a pass relation, for a query
    that reads `result` in several statements: the propagation's nodes, its edges and the model's own query
    would otherwise each compute it again. Emits the CTE `result` reading that relation; `context` holds
    the CTEs `ctes` reads that the model defines before it. Where statements cannot run (parsing, `dbt
    compile`, docs, unit tests) it emits `ctes` as they are. -#}
{% macro materialized_cte(result, ctes, context) -%}
    {%- if not (execute and flags.WHICH in ('run', 'build') and model.resource_type == 'model') -%}
        {{ return(ctes) }}
    {%- endif -%}
    {%- set relation = label_pass_relation(result) -%}
    {%- do run_query(label_pass_table(relation, 'with ' ~ context ~ ', ' ~ ctes ~ ' select * from ' ~ result)) -%}
{{ result }} as (

    select * from {{ relation }}

)
{%- endmacro %}

{#- Post-hook of the model that propagates: its pass relations, and those of `materialized` CTEs, are dropped
    once it is written. -#}
{% macro drop_label_passes(passes, materialized=[]) -%}
    {%- if execute and flags.WHICH in ('run', 'build') -%}
        {%- for step in materialized + ['nodes', 'edges'] + range(passes + 1) | list -%}
            {%- do drop_label_pass(label_pass_relation(step)) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{% macro drop_label_pass(relation) -%}
    {{ return(adapter.dispatch('drop_label_pass', 'interaction_pipeline')(relation)) }}
{%- endmacro %}

{% macro default__drop_label_pass(relation) -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
{%- endmacro %}

