"""A data version for each audience model: a digest of its members, so syncs follow membership, not builds.

dbt rebuilds an audience table every time anything upstream changes, mostly with the same members. Its
materialization carries as data version a digest of exactly what a sync compares, every member's
`profile_id` with its identifier columns, so an audience rebuilt with the same members keeps its version and
its syncs (`data_version_changed`) are not requested. The digest is independent of row order.

The versions are read once dbt has finished: dbt holds the warehouse file while it runs. The digest is
DuckDB's or Postgres's own; a version is only ever compared with one from the same warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import dagster as dg
from dagster_dbt import DbtCliInvocation, get_asset_key_for_model
from dagster_duckdb import DuckDBResource

from interaction_pipeline.destinations.payloads import IDENTIFIER_COLUMNS
from interaction_pipeline.destinations.spec import AudienceSpec
from interaction_pipeline.warehouse.engine import Connection, engine_of, relation_columns


def membership_version(conn: Connection, relation: str) -> str:
    """``<members>-<digest>`` over profile_id and the identifier columns the relation has."""
    present = set(relation_columns(conn, relation))
    columns = ["profile_id", *(name for name in IDENTIFIER_COLUMNS if name in present)]
    member = "concat_ws(chr(31), {})".format(
        ", ".join(f"coalesce(cast({name} as varchar), '')" for name in columns)
    )
    if engine_of(conn) == "duckdb":
        members, digest = conn.execute(
            f"select count(*), bit_xor(md5_number({member})) from {relation} where profile_id is not null"
        ).fetchone()
        return f"{members}-{digest or 0:032x}"
    # Postgres has no 128-bit xor aggregate: the members' md5 digests are folded here, a page at a time.
    cursor = conn.execute(f"select md5({member}) from {relation} where profile_id is not null")
    members, digest = 0, 0
    while rows := cursor.fetchmany(10_000):
        members += len(rows)
        for (hexdigest,) in rows:
            digest ^= int.from_bytes(bytes.fromhex(hexdigest), "little")
    return f"{members}-{digest:032x}"


def downstream_of(keys: set[dg.AssetKey], deps: dict[dg.AssetKey, set[dg.AssetKey]]) -> set[dg.AssetKey]:
    """The assets of ``deps`` (asset -> its upstream assets) that depend on ``keys``, directly or not."""
    found: set[dg.AssetKey] = set()
    frontier = set(keys)
    while frontier:
        frontier = {key for key, upstream in deps.items() if upstream & frontier} - found - keys
        found |= frontier
    return found


def with_membership_versions(
    events: Iterable,
    relations: dict[dg.AssetKey, str],
    keys_by_output: dict[str, dg.AssetKey],
    warehouse: DuckDBResource,
    downstream: set[dg.AssetKey] = frozenset(),
) -> Iterator:
    """Pass dbt's events through, holding back the audience models' outputs and checks until dbt is done,
    then yield each output with its membership version. The outputs and checks of ``downstream`` models
    (those built from an audience) are held too, in dbt's order: Dagster takes a model only after the models
    it reads."""
    held: list = []
    for event in events:
        key = keys_by_output.get(event.output_name) if isinstance(event, dg.Output) else None
        if isinstance(event, dg.AssetCheckResult):
            key = event.asset_key
        if key in relations or key in downstream:
            held.append(event)
        else:
            yield event
    outputs = [e for e in held if isinstance(e, dg.Output) and keys_by_output[e.output_name] in relations]
    versions = {}
    if outputs:
        with warehouse.get_connection() as conn:
            versions = {
                event.output_name: membership_version(conn, relations[keys_by_output[event.output_name]])
                for event in outputs
            }
    for event in held:
        if isinstance(event, dg.Output) and event.output_name in versions:
            version = versions[event.output_name]
            event = dg.Output(
                value=None,
                output_name=event.output_name,
                # The member count is the version's prefix; as the row count Dagster plots audience size.
                metadata={
                    **event.metadata,
                    "membership_version": version,
                    "dagster/row_count": int(version.split("-", 1)[0]),
                },
                data_version=dg.DataVersion(version),
            )
        yield event


def versioned_dbt_events(
    context: dg.AssetExecutionContext,
    invocation: DbtCliInvocation,
    audiences: list[AudienceSpec],
    warehouse: DuckDBResource,
) -> Iterator:
    """The events of a dbt invocation started with ``raise_on_error=False``, the audience models' outputs
    carrying their membership versions; raises dbt's error at the end if it failed."""
    assets = context.assets_def
    relations = {get_asset_key_for_model([assets], spec.model): spec.relation for spec in audiences}
    downstream = downstream_of(set(relations), {key: set(deps) for key, deps in assets.asset_deps.items()})
    yield from with_membership_versions(
        invocation.stream(), relations, assets.keys_by_output_name, warehouse, downstream
    )
    if not invocation.is_successful():
        raise invocation.get_error()
