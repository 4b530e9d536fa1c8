"""Sync one Salesforce object with ``SystemModstamp > checkpoint ORDER BY SystemModstamp`` on ``queryAll``.

After each batch the checkpoint moves to the newest ``SystemModstamp`` that the batch holds *completely*: the
last stamp of a batch may continue into the next one, so the checkpoint stops just before it. Once the query
is ``done`` the checkpoint is the last stamp seen. A killed sync therefore re-reads at most one stamp's
records (upserts make that harmless) and never skips one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from interaction_pipeline.sources.mappings import mapping_for
from interaction_pipeline.sources.report import Progress, SyncReport, no_progress, page_done
from interaction_pipeline.sources.salesforce import SOBJECTS, SalesforceClient
from interaction_pipeline.warehouse.engine import Connection
from interaction_pipeline.warehouse.object_store import apply_batch, ensure_object_table, read_cursor


def parse_stamp(stamp: str) -> datetime:
    """Salesforce datetimes end in ``+0000``; Python wants ``+00:00``."""
    text = stamp.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    return datetime.fromisoformat(text)


def soql_datetime(stamp: str) -> str:
    """A SystemModstamp as a SOQL datetime literal, in the form Salesforce itself returns.

    ``2026-11-29T10:15:00.123+0000``: UTC with milliseconds, so records later in the same second are not
    skipped by ``>``.
    """
    return parse_stamp(stamp).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


def build_query(sobject: str, fields: list[str], checkpoint: str | None) -> str:
    where = f" WHERE SystemModstamp > {soql_datetime(checkpoint)}" if checkpoint else ""
    return f"SELECT {', '.join(fields)} FROM {sobject}{where} ORDER BY SystemModstamp"


def sync_salesforce_collection(
    conn: Connection,
    client: SalesforceClient,
    collection: str,
    endpoint: str = "live",
    progress: Progress = no_progress,
) -> SyncReport:
    mapping = mapping_for(conn, f"salesforce/{collection}")
    sobject = SOBJECTS[collection]
    ensure_object_table(conn, mapping.table)
    report = SyncReport("salesforce", collection, endpoint)
    cursor = read_cursor(conn, "salesforce", collection)
    checkpoint = cursor["system_modstamp"] if cursor else None
    report.mode = "full" if checkpoint is None else "incremental"
    fields = client.describe_fields(sobject, collection)
    for field in ("Id", "SystemModstamp", "IsDeleted"):
        if field not in fields:
            fields.append(field)
    last_seen = None
    for records in client.query_all_pages(build_query(sobject, fields, checkpoint), collection):
        if records:
            last_seen = records[-1]["SystemModstamp"]
            complete = [
                r["SystemModstamp"] for r in records if _millis(r["SystemModstamp"]) < _millis(last_seen)
            ]
            if complete:
                checkpoint = max(complete, key=_millis)
        deleted = [bool(record.get("IsDeleted")) for record in records]
        cursor = {"system_modstamp": checkpoint}
        written = report.store(
            apply_batch, conn, mapping.table, mapping.expressions, records, deleted, cursor, id_field="Id"
        )
        page_done(report, progress, len(records), written, sum(deleted), cursor)
    if last_seen is not None:
        report.cursor = {"system_modstamp": last_seen}
        report.store(apply_batch, conn, mapping.table, mapping.expressions, [], [], report.cursor)
    return report.finish(client.http.stats.requests, client.http.stats.seconds_waiting)


def _millis(stamp: str) -> float:
    return parse_stamp(stamp).timestamp()
