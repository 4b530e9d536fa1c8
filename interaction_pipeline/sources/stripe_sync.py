"""Sync one Stripe collection: backfill through the list endpoint, then apply events since the last applied.

Cursor states (``pipeline.object_cursors``):
- ``{"phase": "backfill", "starting_after": id, "events_from": t, "resync_started_at": iso | null}`` while the
  list is being read; ``events_from`` is Stripe's clock when the backfill began, so changes made during the
  backfill are picked up from the Events API afterwards.
- ``{"phase": "events", "since": t, "boundary_ids": [...], "checked_at": t}``: events created at ``since`` or
  later are still to apply, except ``boundary_ids`` (already applied events of second ``since``: Stripe's
  ``created`` has one-second resolution, so ``created[gt]`` alone could miss a later event of that second).
  ``checked_at`` is when Stripe was last read up to; if that is beyond the 30-day Events horizon the events in
  between may be gone and the collection is re-read in full.
"""

from __future__ import annotations

from datetime import datetime

from interaction_pipeline.sources.http import SourceError
from interaction_pipeline.sources.mappings import mapping_for
from interaction_pipeline.sources.report import Progress, SyncReport, no_progress, page_done
from interaction_pipeline.sources.stripe import DELETED_EVENT_TYPES, EVENTS_HORIZON_SECONDS, StripeClient
from interaction_pipeline.warehouse.engine import Connection
from interaction_pipeline.warehouse.object_store import (
    apply_batch,
    ensure_object_table,
    mark_unseen_deleted,
    read_cursor,
    utc_now,
)

# Resync a little before the horizon: events right at its edge may already be gone.
HORIZON_MARGIN_SECONDS = 3_600
EVENT_BATCH = 1_000
# Pages of 100 are committed ten at a time: one transaction per page would spend most of the time committing.
COMMIT_OBJECTS = 1_000


def sync_stripe_collection(
    conn: Connection,
    client: StripeClient,
    collection: str,
    endpoint: str = "live",
    progress: Progress = no_progress,
) -> SyncReport:
    mapping = mapping_for(conn, f"stripe/{collection}")
    ensure_object_table(conn, mapping.table)
    report = SyncReport("stripe", collection, endpoint)
    cursor = read_cursor(conn, "stripe", collection)
    server_now = client.server_time()
    # Events since this moment must still exist: when a backfill began, or when Stripe was last read.
    seen_until = None if cursor is None else cursor.get("checked_at", cursor.get("events_from"))
    if cursor is None:
        report.mode = "full"
        cursor = _new_backfill(server_now, resync=False)
    elif server_now - seen_until > EVENTS_HORIZON_SECONDS - HORIZON_MARGIN_SECONDS:
        days = (server_now - seen_until) / 86_400
        report.mode = "full_resync"
        report.resync_reason = (
            f"last sync {days:.1f} days ago is beyond Stripe's 30-day Events horizon; "
            "re-read the whole collection"
        )
        cursor = _new_backfill(server_now, resync=True)
    elif cursor["phase"] == "backfill":
        report.mode = "full (resumed)"
    if cursor["phase"] == "backfill":
        cursor = _backfill(conn, client, collection, cursor, report, progress)
    _apply_events(conn, client, collection, cursor, server_now, report, progress)
    return report.finish(client.http.stats.requests, client.http.stats.seconds_waiting)


def _new_backfill(server_now: int, resync: bool) -> dict:
    return {
        "phase": "backfill",
        "starting_after": None,
        "events_from": server_now,
        "resync_started_at": utc_now().isoformat() if resync else None,
    }


def _backfill(
    conn, client: StripeClient, collection: str, cursor: dict, report: SyncReport, progress: Progress
) -> dict:
    mapping = mapping_for(conn, f"stripe/{collection}")
    buffered: list[list[dict]] = []

    def flush() -> None:
        nonlocal cursor
        objects = [obj for page in buffered for obj in page]
        cursor = {**cursor, "starting_after": objects[-1]["id"]}
        written = report.store(
            apply_batch, conn, mapping.table, mapping.expressions, objects, [False] * len(objects), cursor
        )
        page_done(report, progress, len(objects), written, 0, cursor, pages=len(buffered))
        buffered.clear()

    for page in _pages_from(client, collection, cursor["starting_after"]):
        buffered.append(page)
        if sum(map(len, buffered)) >= COMMIT_OBJECTS:
            flush()
    if buffered:
        flush()
    events_cursor = {
        "phase": "events",
        "since": cursor["events_from"],
        "boundary_ids": [],
        "checked_at": cursor["events_from"],
    }
    if cursor["resync_started_at"]:
        started = datetime.fromisoformat(cursor["resync_started_at"])
        report.deleted += report.store(mark_unseen_deleted, conn, mapping.table, started, events_cursor)
    else:
        report.store(apply_batch, conn, mapping.table, mapping.expressions, [], [], events_cursor)
    return events_cursor


def _pages_from(client: StripeClient, collection: str, starting_after: str | None):
    """List pages after ``starting_after``; from the top if that object has since been deleted.

    Stripe refuses a ``starting_after`` that no longer exists. Reading from the top again only re-upserts
    objects already stored, and changes made meanwhile still arrive through the events.
    """
    pages = client.list_pages(collection, starting_after)
    try:
        first = next(pages, None)
    except SourceError as failure:
        if starting_after is None or failure.status not in (400, 404):
            raise
        pages = client.list_pages(collection, None)
        first = next(pages, None)
    if first is not None:
        yield first
        yield from pages


def _apply_events(
    conn,
    client: StripeClient,
    collection: str,
    cursor: dict,
    server_now: int,
    report: SyncReport,
    progress: Progress,
) -> None:
    mapping = mapping_for(conn, f"stripe/{collection}")
    since, boundary = cursor["since"], set(cursor["boundary_ids"])
    events = [event for event in client.events_since(collection, since) if event["id"] not in boundary]
    for start in range(0, len(events), EVENT_BATCH):
        chunk = events[start : start + EVENT_BATCH]
        for event in chunk:
            if event["created"] > since:
                since, boundary = event["created"], set()
            boundary.add(event["id"])
        deleted = [event["type"] in DELETED_EVENT_TYPES for event in chunk]
        last_chunk = start + EVENT_BATCH >= len(events)
        cursor = {
            "phase": "events",
            "since": since,
            "boundary_ids": sorted(boundary),
            "checked_at": server_now if last_chunk else cursor["checked_at"],
        }
        written = report.store(
            apply_batch,
            conn,
            mapping.table,
            mapping.expressions,
            [event["data"]["object"] for event in chunk],
            deleted,
            cursor,
        )
        page_done(report, progress, len(chunk), written, sum(deleted), cursor)
    if not events:
        cursor = {**cursor, "checked_at": server_now}
        report.store(apply_batch, conn, mapping.table, mapping.expressions, [], [], cursor)
        report.cursor = cursor
