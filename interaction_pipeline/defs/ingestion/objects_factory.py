"""One asset per object-source collection, keyed like the dbt sources (``raw_stripe/customers``, ...).

The sync itself is ``interaction_pipeline.sources``; the asset opens the warehouse, runs it, and reports.
Checks computed in the same step: ids are unique, and the number of non-deleted rows did not drop by more
than ``SHRINK_WARN_SHARE`` since the previous materialization (a sign of a broken filter or a revoked
permission rather than real deletes, which are rare in bulk).

A poll that found nothing new records an observation instead of a materialization: the table is current as of
then, but nothing downstream needs rebuilding (the dbt models rebuild on materializations).
"""

import time

import dagster as dg
from dagster_duckdb import DuckDBResource

from interaction_pipeline.defs.ingestion.objects_automation import poll_condition
from interaction_pipeline.defs.resources import WAREHOUSE_POOL
from interaction_pipeline.sources.endpoints import check_sandbox
from interaction_pipeline.sources.http import SourceAuthError, SourcePermissionError
from interaction_pipeline.sources.report import SyncReport
from interaction_pipeline.sources.sync import COLLECTIONS, sync_collection
from interaction_pipeline.warehouse.object_store import live_row_count
from interaction_pipeline.warehouse.object_tables import OBJECT_TABLES

GROUP = "object_sources"
SHRINK_WARN_SHARE = 0.2
# Transient trouble (vendor outage, rate limits beyond the client's own retries) gets three more tries.
RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


def asset_key(source: str, collection: str) -> dg.AssetKey:
    return dg.AssetKey([f"raw_{source}", collection])


def all_object_asset_keys() -> list[dg.AssetKey]:
    return [asset_key(source, collection) for source, names in COLLECTIONS.items() for collection in names]


def shrink_check(key: dg.AssetKey, before: int, after: int) -> dg.AssetCheckResult:
    dropped = (before - after) / before if before else 0.0
    return dg.AssetCheckResult(
        asset_key=key,
        check_name="no_unexpected_shrink",
        passed=dropped <= SHRINK_WARN_SHARE,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "live_rows_before": before,
            "live_rows_after": after,
            "dropped_share": round(dropped, 4),
            "threshold": SHRINK_WARN_SHARE,
        },
    )


def unchanged_observation(key: dg.AssetKey, metadata: dict) -> dg.AssetObservation:
    # The freshness checks read this timestamp: the table was confirmed current now, though it did not change.
    stamp = dg.MetadataValue.timestamp(time.time())
    return dg.AssetObservation(asset_key=key, metadata={**metadata, "dagster/last_updated_timestamp": stamp})


def object_asset(source: str, collection: str) -> dg.AssetsDefinition:
    table = OBJECT_TABLES[f"{source}/{collection}"]
    key = asset_key(source, collection)

    @dg.asset(
        key=key,
        group_name=GROUP,
        pool=WAREHOUSE_POOL,
        kinds={source, "duckdb"},
        retry_policy=RETRY_POLICY,
        automation_condition=poll_condition(source),
        output_required=False,
        required_resource_keys={"warehouse", source},
        check_specs=[
            dg.AssetCheckSpec("unique_ids", asset=key, description="Every id appears once."),
            dg.AssetCheckSpec(
                "no_unexpected_shrink",
                asset=key,
                description=f"Non-deleted rows dropped by at most {SHRINK_WARN_SHARE:.0%}.",
            ),
        ],
        description=f"{source.title()} {collection}: latest state per id, typed key columns plus the full "
        f"object as JSON, soft deletes as is_deleted. Table {table.table}.",
    )
    def sync_asset(context: dg.AssetExecutionContext):
        vendor = getattr(context.resources, source)
        warehouse: DuckDBResource = context.resources.warehouse
        resolved = vendor.endpoint()
        endpoint = resolved.mode
        if resolved.uses_sandbox:
            check_sandbox(resolved, vendor.env)

        def log_progress(report: SyncReport) -> None:
            if report.pages % 20 == 1:
                context.log.info(f"{source}/{collection}: {report.records} records in {report.pages} pages")

        with warehouse.get_connection() as conn:
            before = live_row_count(conn, table)
            try:
                report = sync_collection(conn, source, collection, vendor.client(), endpoint, log_progress)
            except (SourceAuthError, SourcePermissionError) as failure:
                # Retrying cannot fix credentials: fail this asset only, with a message that says what to do.
                raise dg.Failure(
                    description=str(failure),
                    allow_retries=False,
                    metadata={"source": source, "endpoint": endpoint},
                ) from failure
            after = live_row_count(conn, table)
            rows, distinct = conn.execute(
                f"select count(*), count(distinct id) from {table.table}"
            ).fetchone()
        context.log.info(f"{source}/{collection}: {report.mode} sync, {report.written} objects written")
        metadata = {**report.metadata(), "live_rows": after, "dagster/row_count": rows, "table": table.table}
        checks = [
            dg.AssetCheckResult(
                asset_key=key,
                check_name="unique_ids",
                passed=rows == distinct,
                metadata={"rows": rows, "distinct_ids": distinct},
            ),
            shrink_check(key, before, after),
        ]
        if report.written or report.deleted or context.instance.get_latest_materialization_event(key) is None:
            yield dg.MaterializeResult(metadata=metadata, check_results=checks)
        else:
            yield unchanged_observation(key, metadata)
            yield from checks

    return sync_asset
