"""Object-source tables in the warehouse: bulk upserts on ``id`` and sync cursors, committed together.

A batch of objects goes in as one bulk transfer and one upsert statement, never one statement per row: on
DuckDB as two list parameters (JSON texts and deleted flags) unnested into an ``INSERT OR REPLACE ...
SELECT``; on Postgres through COPY into a temp table and an ``INSERT ... ON CONFLICT DO UPDATE``. The typed
columns are extracted in SQL (`interaction_pipeline.sources.mappings`). The cursor row that says how far
the sync got is written in the same transaction, so a sync killed at any point leaves rows and cursor
agreeing, and the next run resumes exactly where it stopped.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import orjson

from interaction_pipeline.warehouse.engine import Connection, engine_of
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


# Postgres has no try_cast: these return null for a value that does not convert, as DuckDB's does.
POSTGRES_TRY_CASTS = {
    "bigint": "bigint",
    "double": "double precision",
    "boolean": "boolean",
    "date": "date",
    "timestamptz": "timestamptz",
}
POSTGRES_TYPES = {"double": "double precision"}
BATCH_TABLE = "_object_batch"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _ensure_postgres_casts(conn: Connection) -> None:
    for name, sql_type in POSTGRES_TRY_CASTS.items():
        conn.execute(f"""
            create or replace function pipeline.try_{name}(value text) returns {sql_type}
            language plpgsql immutable as $$
            begin
                return value::{sql_type};
            exception when others then
                return null;
            end $$
        """)


def ensure_object_table(conn: Connection, table: ObjectTable) -> None:
    conn.execute(f"create schema if not exists {table.schema}")
    conn.execute("create schema if not exists pipeline")
    postgres = engine_of(conn) == "postgres"
    if postgres:
        _ensure_postgres_casts(conn)
    types = POSTGRES_TYPES if postgres else {}
    columns = ",\n    ".join(f"{name} {types.get(sql_type, sql_type)}" for name, sql_type in table.columns)
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


def read_cursor(conn: Connection, source: str, collection: str) -> dict | None:
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


def _upsert_postgres(
    conn: Connection, table: ObjectTable, expressions: Mapping[str, str], documents, flags, synced_at
) -> None:
    conn.execute(f"drop table if exists pg_temp.{BATCH_TABLE}")
    conn.execute(f"create temp table {BATCH_TABLE} (d json, deleted boolean)")
    conn.copy_rows(BATCH_TABLE, ["d", "deleted"], zip(documents, flags, strict=True))
    columns = [*table.column_names, "data", "_synced_at", "is_deleted"]
    values = ", ".join(expressions[name] for name in table.column_names)
    conn.execute(
        f"""
        insert into {table.table} (id, {", ".join(columns)})
        select {expressions["id"]}, {values}, d, ?::timestamp, deleted from {BATCH_TABLE}
        on conflict (id) do update set {", ".join(f"{name} = excluded.{name}" for name in columns)}
        """,
        [synced_at],
    )


def apply_batch(
    conn: Connection,
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
        if documents and engine_of(conn) == "postgres":
            _upsert_postgres(conn, table, expressions, documents, flags, synced_at or utc_now())
        elif documents:
            conn.execute(_upsert_sql(table, expressions), [synced_at or utc_now(), documents, flags])
        if cursor is not None:
            write_cursor(conn, table, cursor)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return len(documents)


def write_cursor(conn: Connection, table: ObjectTable, cursor: dict) -> None:
    conn.execute(
        f"insert into {CURSORS_TABLE} values (?, ?, ?, ?) on conflict (source, collection) "
        "do update set cursor = excluded.cursor, updated_at = excluded.updated_at",
        [table.source, table.collection, orjson.dumps(cursor).decode(), utc_now()],
    )


def mark_unseen_deleted(conn: Connection, table: ObjectTable, seen_since: datetime, cursor: dict) -> int:
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


def live_row_count(conn: Connection, table: ObjectTable) -> int:
    ensure_object_table(conn, table)
    return conn.execute(f"select count(*) from {table.table} where not is_deleted").fetchone()[0]
