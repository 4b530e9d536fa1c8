"""Object-source tables in DuckDB: bulk upserts on ``id`` and sync cursors, committed together.

A batch of objects goes in as two list parameters (JSON texts and deleted flags) that DuckDB unnests and
extracts typed columns from in one ``INSERT OR REPLACE ... SELECT``; that is one statement per batch
instead of one per row. The cursor row that says how far the sync got is written in the same transaction,
so a sync killed at any point leaves rows and cursor agreeing, and the next run resumes exactly where it
stopped.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import orjson

from interaction_pipeline.sources.tables import SPECS, TableSpec

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


def ensure_object_table(conn: duckdb.DuckDBPyConnection, spec: TableSpec) -> None:
    conn.execute(f"create schema if not exists {spec.schema}")
    conn.execute("create schema if not exists pipeline")
    columns = ",\n    ".join(f"{name} {sql_type}" for name, sql_type, _ in spec.columns)
    conn.execute(f"""
        create table if not exists {spec.table} (
            id {spec.id_type} primary key,
            {columns},
            data json,
            _synced_at timestamp,
            is_deleted boolean
        )
    """)
    conn.execute(CURSORS_DDL)


def ensure_all_object_tables(conn: duckdb.DuckDBPyConnection) -> None:
    for spec in SPECS.values():
        ensure_object_table(conn, spec)


def read_cursor(conn: duckdb.DuckDBPyConnection, source: str, collection: str) -> dict | None:
    conn.execute(CURSORS_DDL)
    row = conn.execute(
        f"select cursor from {CURSORS_TABLE} where source = ? and collection = ?", [source, collection]
    ).fetchone()
    return orjson.loads(row[0]) if row and row[0] is not None else None


def _upsert_sql(spec: TableSpec) -> str:
    names = ", ".join(name for name, _, _ in spec.columns)
    expressions = ",\n            ".join(expression for _, _, expression in spec.columns)
    return f"""
        insert or replace into {spec.table} (id, {names}, data, _synced_at, is_deleted)
        select {spec.id_expression}, {expressions}, d, ?::timestamp, deleted
        from (select unnest(?::varchar[])::json as d, unnest(?::boolean[]) as deleted)
    """


def apply_batch(
    conn: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    objects: list[dict],
    deleted: list[bool],
    cursor: dict | None,
    id_field: str = "id",
    synced_at: datetime | None = None,
) -> int:
    """Upsert ``objects`` (latest state wins) and store ``cursor``, all in one transaction.

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
            conn.execute(_upsert_sql(spec), [synced_at or utc_now(), documents, flags])
        if cursor is not None:
            write_cursor(conn, spec, cursor)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return len(documents)


def write_cursor(conn: duckdb.DuckDBPyConnection, spec: TableSpec, cursor: dict) -> None:
    conn.execute(
        f"insert or replace into {CURSORS_TABLE} values (?, ?, ?, ?)",
        [spec.source, spec.collection, orjson.dumps(cursor).decode(), utc_now()],
    )


def mark_unseen_deleted(
    conn: duckdb.DuckDBPyConnection, spec: TableSpec, seen_since: datetime, cursor: dict
) -> int:
    """After a full resync: rows the vendor no longer lists were deleted while we could not see events."""
    conn.execute("begin transaction")
    try:
        count = conn.execute(
            f"select count(*) from {spec.table} where _synced_at < ? and not is_deleted", [seen_since]
        ).fetchone()[0]
        conn.execute(
            f"update {spec.table} set is_deleted = true, _synced_at = ? "
            "where _synced_at < ? and not is_deleted",
            [utc_now(), seen_since],
        )
        write_cursor(conn, spec, cursor)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return count


def live_row_count(conn: duckdb.DuckDBPyConnection, spec: TableSpec) -> int:
    ensure_object_table(conn, spec)
    return conn.execute(f"select count(*) from {spec.table} where not is_deleted").fetchone()[0]
