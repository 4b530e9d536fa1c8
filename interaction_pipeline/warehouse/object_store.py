"""Object-source tables in DuckDB: bulk upserts on ``id`` and sync cursors, committed together.

A batch of objects goes in as two list parameters (JSON texts and deleted flags) that DuckDB unnests and
extracts typed columns from in one ``INSERT OR REPLACE ... SELECT``; that is one statement per batch
instead of one per row. The cursor row that says how far the sync got is written in the same transaction,
so a sync killed at any point leaves rows and cursor agreeing, and the next run resumes exactly where it
stopped.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import duckdb
import orjson

from interaction_pipeline.warehouse.object_tables import ObjectTable

CURSORS_TABLE = "pipeline.object_cursors"

CURSORS_DDL = f"""
create table if not exists {CURSORS_TABLE} (
    source varchar not null,
    collection varchar not null,
    cursor json,
    updated_at timestamp not null,
    primary key (source, collection)
)
"""


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def ensure_object_table(conn: duckdb.DuckDBPyConnection, table: ObjectTable) -> None:
    conn.execute(f"create schema if not exists {table.schema}")
    conn.execute("create schema if not exists pipeline")
    columns = ",\n    ".join(f"{name} {sql_type}" for name, sql_type in table.columns)
    conn.execute(f"""
        create table if not exists {table.table} (
            id {table.id_type} primary key,
            {columns},
            data json,
            _synced_at timestamp,
            is_deleted boolean
        )
    """)
    conn.execute(CURSORS_DDL)


def read_cursor(conn: duckdb.DuckDBPyConnection, source: str, collection: str) -> dict | None:
    conn.execute(CURSORS_DDL)
    row = conn.execute(
        f"select cursor from {CURSORS_TABLE} where source = ? and collection = ?", [source, collection]
    ).fetchone()
    return orjson.loads(row[0]) if row and row[0] is not None else None


def _upsert_sql(table: ObjectTable, expressions: Mapping[str, str]) -> str:
    names = ", ".join(table.column_names)
    values = ",\n            ".join(expressions[name] for name in table.column_names)
    return f"""
        insert or replace into {table.table} (id, {names}, data, _synced_at, is_deleted)
        select {expressions["id"]}, {values}, d, ?::timestamp, deleted
        from (select unnest(?::varchar[])::json as d, unnest(?::boolean[]) as deleted)
    """


def apply_batch(
    conn: duckdb.DuckDBPyConnection,
    table: ObjectTable,
    expressions: Mapping[str, str],
    objects: list[dict],
    deleted: list[bool],
    cursor: dict | None,
    id_field: str = "id",
    synced_at: datetime | None = None,
) -> int:
    """Upsert ``objects`` (latest state wins) and store ``cursor``, all in one transaction.

    ``expressions`` compute the id and each typed column from ``d``, one object as JSON.

    Later occurrences of an id in the batch win, so a batch of events applied oldest first ends in the newest
    state. Returns the number of distinct objects written.
    """
    latest: dict = {}
    for obj, is_deleted in zip(objects, deleted, strict=True):
        latest[obj[id_field]] = (obj, is_deleted)
    documents = [orjson.dumps(obj).decode() for obj, _ in latest.values()]
    flags = [is_deleted for _, is_deleted in latest.values()]
    conn.execute("begin transaction")
    try:
        if documents:
            conn.execute(_upsert_sql(table, expressions), [synced_at or utc_now(), documents, flags])
        if cursor is not None:
            write_cursor(conn, table, cursor)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return len(documents)


def write_cursor(conn: duckdb.DuckDBPyConnection, table: ObjectTable, cursor: dict) -> None:
    conn.execute(
        f"insert or replace into {CURSORS_TABLE} values (?, ?, ?, ?)",
        [table.source, table.collection, orjson.dumps(cursor).decode(), utc_now()],
    )


def mark_unseen_deleted(
    conn: duckdb.DuckDBPyConnection, table: ObjectTable, seen_since: datetime, cursor: dict
) -> int:
    """After a full resync: rows the vendor no longer lists were deleted while we could not see events."""
    conn.execute("begin transaction")
    try:
        count = conn.execute(
            f"select count(*) from {table.table} where _synced_at < ? and not is_deleted", [seen_since]
        ).fetchone()[0]
        conn.execute(
            f"update {table.table} set is_deleted = true, _synced_at = ? "
            "where _synced_at < ? and not is_deleted",
            [utc_now(), seen_since],
        )
        write_cursor(conn, table, cursor)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return count


def live_row_count(conn: duckdb.DuckDBPyConnection, table: ObjectTable) -> int:
    ensure_object_table(conn, table)
    return conn.execute(f"select count(*) from {table.table} where not is_deleted").fetchone()[0]
