"""Warehouse reads the report and the demo's summary share; a table not built yet reads as empty."""

from __future__ import annotations

from pathlib import Path

from interaction_pipeline.destinations.history import sync_runs
from interaction_pipeline.warehouse import engine
from interaction_pipeline.warehouse.access import open_warehouse
from interaction_pipeline.warehouse.engine import Connection

SYNC_LOG_ROWS = 50


def connect(warehouse: Path) -> Connection | None:
    """A connection for reading: the Postgres warehouse when one is configured, else a read-only connection
    to the DuckDB file (safe while Dagster is idle), or None when there is no warehouse yet."""
    if engine.current().url:
        return engine.connect()
    if not warehouse.exists():
        return None
    return open_warehouse(warehouse, read_only=True)


def tables_in(connection, schema: str) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables where table_schema = ? order by table_name",
        [schema],
    ).fetchall()
    return [row[0] for row in rows]


def events_by_source(connection) -> list[tuple]:
    if "messages" not in tables_in(connection, "raw_events"):
        return []
    return connection.execute("""
        select source_name, source_kind, count(*) as messages,
               count(distinct coalesce(user_id, anonymous_id)) as senders_ids,
               min(timestamp)::date as first_day, max(timestamp)::date as last_day
        from raw_events.messages group by source_name, source_kind order by messages desc
    """).fetchall()


def audience_sizes(connection) -> list[tuple[str, int]]:
    return [
        (name, connection.execute(f'select count(*) from audiences."{name}"').fetchone()[0])
        for name in tables_in(connection, "audiences")
    ]


SYNC_RUN_COLUMNS = [
    "when (UTC)",
    "audience",
    "destination",
    "account",
    "status",
    "members",
    "added",
    "removed",
    "failed",
    "unmatched",
    "reason",
]


def sync_history(connection, limit: int = SYNC_LOG_ROWS) -> tuple[list[str], list[tuple]]:
    """The newest audience sync runs, one row each, with their column names."""
    rows = [
        (
            f"{run.logged_at:%Y-%m-%d %H:%M}",
            run.audience,
            run.destination,
            run.account or "",
            run.status,
            run.members,
            run.added,
            run.removed,
            run.failed,
            run.unmatched,
            run.reason or "",
        )
        for run in sync_runs(connection, limit=limit)
    ]
    return SYNC_RUN_COLUMNS, rows
