"""Sync one Zendesk collection through the incremental export (cursor-based; time-based for organizations).

The cursor row holds Zendesk's own ``after_cursor`` (or the next ``start_time``) after every page, committed
with that page's rows: a killed sync resumes at the first page it had not stored. Zendesk marks deletes
instead of removing objects: a ticket's status becomes ``deleted``, a user becomes inactive, an organization
gets ``deleted_at``.
"""

from __future__ import annotations

from interaction_pipeline.sources.mappings import mapping_for
from interaction_pipeline.sources.report import Progress, SyncReport, no_progress, page_done
from interaction_pipeline.sources.zendesk import TIME_BASED, ExportPage, ZendeskClient
from interaction_pipeline.warehouse.engine import Connection
from interaction_pipeline.warehouse.object_store import apply_batch, ensure_object_table, read_cursor


def is_deleted(collection: str, obj: dict) -> bool:
    if collection == "tickets":
        return obj.get("status") == "deleted"
    if collection == "users":
        return obj.get("active") is False
    return obj.get("deleted_at") is not None


def sync_zendesk_collection(
    conn: Connection,
    client: ZendeskClient,
    collection: str,
    endpoint: str = "live",
    progress: Progress = no_progress,
) -> SyncReport:
    mapping = mapping_for(conn, f"zendesk/{collection}")
    ensure_object_table(conn, mapping.table)
    report = SyncReport("zendesk", collection, endpoint)
    cursor = read_cursor(conn, "zendesk", collection)
    report.mode = "full" if cursor is None else "incremental"
    if collection in TIME_BASED:
        pages = client.time_based_pages(collection, cursor["start_time"] if cursor else 0)
    else:
        pages = client.export_pages(
            collection, start_time=0, cursor=cursor["after_cursor"] if cursor else None
        )
    for page in pages:
        deleted = [is_deleted(collection, obj) for obj in page.items]
        cursor = _next_cursor(collection, page)
        written = report.store(
            apply_batch, conn, mapping.table, mapping.expressions, page.items, deleted, cursor
        )
        page_done(report, progress, len(page.items), written, sum(deleted), cursor)
    return report.finish(client.http.stats.requests, client.http.stats.seconds_waiting)


def _next_cursor(collection: str, page: ExportPage) -> dict:
    if collection not in TIME_BASED:
        return {"after_cursor": page.after_cursor}
    # At the end of the stream every change of the page's last second is in (changes of the last minute are
    # held back), so the next run starts one second later; mid-stream that second may continue.
    end_time = int(page.after_cursor)
    return {"start_time": end_time + 1 if page.end_of_stream and page.items else end_time}
