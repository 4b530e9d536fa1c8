"""The warehouse the product writes: the embedded DuckDB file by default, or a Postgres database.

``current()`` says which (``INTERACTION_PIPELINE_WAREHOUSE_URL`` set means Postgres) and ``connect()`` opens
it. Both engines' connections take the same calls (see `postgres.py`), and the product's SQL is written in
what both accept. The few operations whose SQL differs live here, each with a DuckDB and a Postgres branch:
reading a relation's columns, replacing a temp table, bulk-loading rows into one.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import orjson
import psycopg2
import psycopg2.errors

from interaction_pipeline import settings
from interaction_pipeline.warehouse.access import open_warehouse
from interaction_pipeline.warehouse.postgres import PostgresConnection

Connection = duckdb.DuckDBPyConnection | PostgresConnection


class MissingRelationError(LookupError):
    """A table or view the caller needs does not exist (yet)."""


# What a query against a relation that was never built raises, on either engine.
MISSING_RELATION = (duckdb.CatalogException, psycopg2.errors.UndefinedTable, MissingRelationError)
# Any error the warehouse itself reports.
WAREHOUSE_ERRORS = (duckdb.Error, psycopg2.Error)


@dataclass(frozen=True)
class Warehouse:
    path: Path | None = None
    url: str | None = None

    @property
    def engine(self) -> str:
        return "postgres" if self.url else "duckdb"

    def connect(self, *, read_only: bool = False) -> Connection:
        if self.url:
            return PostgresConnection(self.url)
        return open_warehouse(self.path, read_only=read_only)

    def exists(self) -> bool:
        """Whether there is anything to read yet (a Postgres database always exists once configured)."""
        return bool(self.url) or (self.path is not None and self.path.exists())

    def describe(self) -> str:
        """Where the warehouse is, safe to print: the file, or the URL without its password."""
        return redacted(self.url) if self.url else str(self.path)


def current() -> Warehouse:
    url = settings.warehouse_url()
    return Warehouse(url=url) if url else Warehouse(path=settings.paths().warehouse)


def connect(*, read_only: bool = False) -> Connection:
    return current().connect(read_only=read_only)


def redacted(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def engine_of(conn: Connection) -> str:
    return "postgres" if isinstance(conn, PostgresConnection) else "duckdb"


def _split(relation: str) -> tuple[str, str]:
    schema, _, table = relation.replace('"', "").rpartition(".")
    return schema or "main", table


def relation_columns(conn: Connection, relation: str) -> list[str]:
    """Column names of a table or view, in order; `MissingRelationError` when it does not exist."""
    if engine_of(conn) == "duckdb":
        try:
            return [row[0] for row in conn.execute(f"describe {relation}").fetchall()]
        except duckdb.CatalogException as error:
            raise MissingRelationError(f"{relation} does not exist") from error
    schema, table = _split(relation)
    rows = conn.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, table],
    ).fetchall()
    if not rows:
        raise MissingRelationError(f"{relation} does not exist")
    return [row[0] for row in rows]


def table_exists(conn: Connection, relation: str) -> bool:
    """Whether a permanent table or view ``schema.name`` exists."""
    schema, table = _split(relation)
    return bool(
        conn.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ? "
            "and table_type in ('BASE TABLE', 'VIEW')",
            [schema, table],
        ).fetchall()[0][0]
    )


def replace_temp_table(conn: Connection, name: str, query: str, params: Sequence[Any] | None = None) -> None:
    """``create or replace temp table name as query`` on either engine."""
    if engine_of(conn) == "duckdb":
        conn.execute(f"create or replace temp table {name} as {query}", list(params or []))
        return
    conn.execute(f"drop table if exists pg_temp.{name}")
    conn.execute(f"create temp table {name} as {query}", list(params or []))


def load_temp_table(
    conn: Connection, name: str, columns: dict[str, str], rows: Iterable[Sequence[Any]]
) -> None:
    """A temp table ``name`` with ``columns`` (name: SQL type) holding ``rows``, loaded in bulk: DuckDB
    reads them back from an NDJSON file, Postgres takes them through COPY. Never one statement per row."""
    names = list(columns)
    if engine_of(conn) == "postgres":
        conn.execute(f"drop table if exists pg_temp.{name}")
        conn.execute(f"create temp table {name} ({', '.join(f'{c} {t}' for c, t in columns.items())})")
        conn.copy_rows(name, names, rows)
        return
    with tempfile.TemporaryDirectory(prefix="warehouse-rows-") as folder:
        path = Path(folder) / "rows.ndjson"
        with path.open("wb") as out:
            for row in rows:
                out.write(orjson.dumps(dict(zip(names, row, strict=True))) + b"\n")
        declared = ", ".join(f"{c}: '{t}'" for c, t in columns.items())
        empty = "select " + ", ".join(f"null::{t} as {c}" for c, t in columns.items()) + " where false"
        read = f"read_json('{path}', format = 'newline_delimited', columns = {{{declared}}})"
        replace_temp_table(
            conn, name, f"select {', '.join(names)} from {read}" if path.stat().st_size else empty
        )


def batch_number(order_by: str, rows_per_batch: int) -> str:
    """A 1-based batch number of ``rows_per_batch`` rows in ``order_by`` order, in SQL both engines read
    alike (DuckDB's ``/`` on integers is exact division, Postgres's truncates)."""
    return (
        f"cast(floor((row_number() over (order by {order_by}) - 1) / {float(rows_per_batch)}) as bigint) + 1"
    )


def create_temp_table(conn: Connection, name: str, columns: dict[str, str]) -> None:
    """An empty temp table ``name`` with ``columns`` (name: SQL type), replacing one of that name."""
    if engine_of(conn) == "postgres":
        conn.execute(f"drop table if exists pg_temp.{name}")
    replace = "or replace " if engine_of(conn) == "duckdb" else ""
    conn.execute(f"create {replace}temp table {name} ({', '.join(f'{c} {t}' for c, t in columns.items())})")


def execute_count(conn: Connection, sql: str, params: Sequence[Any] | None = None) -> int:
    """Run an insert, update or delete; return how many rows it changed."""
    if engine_of(conn) == "postgres":
        return conn.execute(sql, list(params or [])).rowcount
    rows = conn.execute(sql, list(params or [])).fetchall()
    return rows[0][0] if rows else 0


def upsert_sql(table: str, columns: Sequence[str], keys: Sequence[str], select: str) -> str:
    """``insert into table (columns) select ...`` that replaces the row with the same ``keys``; both engines
    take ``on conflict do update``. The select must yield each key once."""
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns if column not in keys)
    return (
        f"insert into {table} ({', '.join(columns)}) {select} "
        f"on conflict ({', '.join(keys)}) do update set {updates}"
    )


def export_query(conn: Connection, query: str, path: Path, file_format: str) -> None:
    """Write what ``query`` returns to a csv (with a header) or parquet file on this machine, in bulk."""
    options = "format parquet" if file_format == "parquet" else "format csv, header true"
    if engine_of(conn) == "duckdb":
        conn.execute(f"copy ({query}) to '{path}' ({options})")
        return
    # Postgres sends CSV over COPY; an in-memory DuckDB turns it into parquet where asked.
    csv_path = path if file_format == "csv" else path.with_suffix(".csv.part")
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        conn.raw.cursor().copy_expert(f"copy ({query}) to stdout with (format csv, header true)", out)
    if file_format != "csv":
        with duckdb.connect() as converter:
            converter.execute(
                f"copy (select * from read_csv('{csv_path}', all_varchar = true)) to '{path}' ({options})"
            )
        csv_path.unlink()
