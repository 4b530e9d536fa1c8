"""`raw_events/messages`: closed spool segments loaded into DuckDB (rejects into `raw_events.rejects`).

The loading itself is `interaction_pipeline.warehouse.spool_loader`; this asset only opens the warehouse,
runs it, and reports what happened. The collector's spool is declared as an external asset upstream, so the
lineage reads collector → raw_events/messages → staging models.

A load that added no row (no new segment, or only resent messages) records an observation instead of a
materialization: the dbt models rebuild on materializations, and there is nothing new for them.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from interaction_pipeline import settings
from interaction_pipeline.defs.ingestion.events_checks import CHECK_SPECS, MESSAGES_KEY, evaluate_checks
from interaction_pipeline.defs.resources import WAREHOUSE_POOL
from interaction_pipeline.warehouse.schema import MESSAGES_TABLE
from interaction_pipeline.warehouse.spool_loader import load_spool
from interaction_pipeline.warehouse.spool_report import LoadReport

SPOOL_KEY = dg.AssetKey(["collector", "spool"])

collector_spool = dg.AssetSpec(
    SPOOL_KEY,
    group_name="ingestion",
    kinds={"file"},
    description="NDJSON segments the collector writes and fsyncs before acknowledging (spool/events, "
    "spool/rejects). Written outside Dagster by `interaction-pipeline collector`.",
)


def column_schema(conn, table: str) -> dg.TableSchema:
    schema, name = table.split(".")
    rows = conn.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    return dg.TableSchema(columns=[dg.TableColumn(column, data_type) for column, data_type in rows])


def load_metadata(report: LoadReport, table_rows: int) -> dict:
    sources = sorted(set(report.messages_by_source) | set(report.rejects_by_source))
    rows = [
        f"| {source} | {report.messages_by_source[source]} | {report.duplicates_by_source[source]} "
        f"| {report.rejects_by_source[source]} |"
        for source in sources
    ]
    table = "\n".join(["| source | loaded | duplicates | rejects |", "|---|---|---|---|", *rows])
    return {
        "segments_loaded": sum(1 for load in report.segments if load.kind == "events"),
        "reject_segments_loaded": sum(1 for load in report.segments if load.kind == "rejects"),
        "lines_read": report.lines,
        "rows_loaded": report.rows_loaded,
        "duplicates_dropped": report.duplicates,
        "rejects_loaded": report.rejects_loaded,
        "by_source": dg.MetadataValue.md(table if rows else "_no new segments_"),
        "spool": dg.MetadataValue.path(str(settings.paths().spool)),
        "dagster/row_count": table_rows,
    }


@dg.asset(
    key=MESSAGES_KEY,
    deps=[SPOOL_KEY],
    group_name="ingestion",
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    check_specs=CHECK_SPECS,
    output_required=False,
    description="One row per accepted Segment message, deduplicated per source on message_id; rejects "
    "go to raw_events.rejects and every loaded segment to pipeline.spool_manifest.",
)
def raw_events_messages(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    with warehouse.get_connection() as conn:
        report = load_spool(conn, settings.paths().spool)
        table_rows = conn.execute(f"select count(*) from {MESSAGES_TABLE}").fetchone()[0]
        columns = column_schema(conn, MESSAGES_TABLE)
        context.log.info(
            f"loaded {len(report.segments)} segments: {report.rows_loaded} messages, "
            f"{report.duplicates} duplicates, {report.rejects_loaded} rejects"
        )
        check_results = evaluate_checks(conn)
    metadata = load_metadata(report, table_rows) | {
        "dagster/table_name": MESSAGES_TABLE,
        "dagster/column_schema": columns,
    }
    if (
        report.rows_loaded
        or report.rejects_loaded
        or not context.instance.get_latest_materialization_event(MESSAGES_KEY)
    ):
        yield dg.MaterializeResult(metadata=metadata, check_results=check_results)
    else:
        yield dg.AssetObservation(asset_key=MESSAGES_KEY, metadata=metadata)
        yield from check_results


load_events_job = dg.define_asset_job(
    "load_spool_events",
    selection=dg.AssetSelection.assets(MESSAGES_KEY),
    executor_def=dg.in_process_executor,
    description="Load new closed spool segments into raw_events (one step; waits for the warehouse pool).",
)
