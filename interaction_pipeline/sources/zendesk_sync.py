"""Sync one Zendesk collection through the cursor-based incremental export.

The cursor row holds Zendesk's own ``after_cursor`` after every page, committed with that page's rows: a
killed sync resumes at the first page it had not stored. Zendesk marks deletes instead of removing objects: a
ticket's status becomes ``deleted``, a user becomes inactive, an organization gets ``deleted_at``.
"""

from __future__ import annotations

import duckdb

from interaction_pipeline.sources.report import Progress, SyncReport, no_progress, page_done
from interaction_pipeline.sources.tables import SPECS
from interaction_pipeline.sources.zendesk import ZendeskClient
from interaction_pipeline.warehouse.object_store import apply_batch, ensure_object_table, read_cursor


def is_deleted(collection: str, obj: dict) -> bool:
    if collection == "tickets":
        return obj.get("status") == "deleted"
    if collection == "users":
        return obj.get("active") is False
    return obj.get("deleted_at") is not None


def sync_zendesk_collection(
    conn: duckdb.DuckDBPyConnection,
    client: ZendeskClient,
    collection: str,
    endpoint: str = "live",
    progress: Progress = no_progress,
) -> SyncReport:
    spec = SPECS[f"zendesk/{collection}"]
    ensure_object_table(conn, spec)
    report = SyncReport("zendesk", collection, endpoint)
    cursor = read_cursor(conn, "zendesk", collection)
    report.mode = "full" if cursor is None else "incremental"
    pages = client.export_pages(collection, start_time=0, cursor=cursor["after_cursor"] if cursor else None)
    for page in pages:
        deleted = [is_deleted(collection, obj) for obj in page.items]
        cursor = {"after_cursor": page.after_cursor}
        written = apply_batch(conn, spec, page.items, deleted, cursor)
        page_done(report, progress, len(page.items), written, sum(deleted), cursor)
    return report.finish(client.http.stats.requests, client.http.stats.seconds_waiting)
