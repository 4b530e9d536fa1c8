"""Running dbt on another engine and comparing what it built with DuckDB's, table by table, row by row."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from interaction_pipeline import settings
from interaction_pipeline.defs.transform.project import DBT_EXECUTABLE
from interaction_pipeline.warehouse.engine import Connection, relation_columns
from interaction_pipeline.warehouse.postgres import PostgresConnection

RAW_SCHEMAS = ("raw_events", "raw_stripe", "raw_zendesk", "raw_salesforce")
BUILT_SCHEMAS = ("intermediate", "marts", "audiences")
POSTGRES_TYPES = {"VARCHAR": "text", "DOUBLE": "double precision", "JSON": "json"}


def run_dbt(args: list[str], *, target: Path, env: dict[str, str], **variables) -> None:
    """dbt as a user runs it, with the warehouse chosen by ``env`` (the URL picks the postgres output)."""
    command = [
        DBT_EXECUTABLE, *args,
        "--project-dir", str(settings.DBT_PROJECT_DIR), "--profiles-dir", str(settings.DBT_PROJECT_DIR),
        "--target-path", str(target), "--vars", json.dumps(variables),
    ]  # fmt: skip
    environment = {**settings.child_environment(), "DBT_LOG_PATH": str(target / "logs"), **env}
    done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=900)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


def copy_raw_tables(
    source: duckdb.DuckDBPyConnection, target: PostgresConnection, schemas=RAW_SCHEMAS, where: str = ""
) -> None:
    """Copy every table of ``schemas`` (created where missing, same columns and types) from DuckDB into
    Postgres, in bulk; ``where`` picks the rows (say, one load's)."""
    tables = source.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_schema in {(*schemas, '')} and table_type = 'BASE TABLE' order by 1, 2"
    ).fetchall()
    for schema, table in tables:
        described = source.execute(f"describe {schema}.{table}").fetchall()
        columns = [name for name, *_ in described]
        types = ", ".join(f"{name} {POSTGRES_TYPES.get(kind, kind)}" for name, kind, *_ in described)
        target.execute(f"create schema if not exists {schema}")
        target.execute(f"create table if not exists {schema}.{table} ({types})")
        rows = source.execute(f"select {', '.join(columns)} from {schema}.{table} {where}").fetchall()
        target.copy_rows(f"{schema}.{table}", columns, rows)


def _comparable(value):
    if (
        isinstance(value, datetime) and value.tzinfo is not None
    ):  # Spark's parquet timestamps are UTC instants
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, float | Decimal):
        return round(float(value), 6)
    if isinstance(value, str) and value[:1] in "[{":
        try:  # JSON text: engines space it differently
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    return value


def _sort_key(row: tuple) -> tuple:
    return tuple(
        (value is None, str(value) if isinstance(value, datetime | date) else repr(value)) for value in row
    )


def snapshot(conn: Connection, schemas=BUILT_SCHEMAS) -> dict[str, list[tuple]]:
    """Every table in ``schemas``: its rows (columns in name order, values made comparable), sorted.

    Change-detection fingerprints are left out: each engine computes them its own way (DuckDB xors native
    hashes, others hash an ordered list), and they are compared only with values of the same engine."""
    tables = conn.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        f"where table_schema in {schemas} and table_type = 'BASE TABLE'"
    ).fetchall()
    result = {}
    for (table,) in tables:
        columns = sorted(name for name in relation_columns(conn, table) if not name.endswith("_fingerprint"))
        rows = conn.execute(f"select {', '.join(columns)} from {table}").fetchall()
        result[table] = sorted((tuple(_comparable(v) for v in row) for row in rows), key=_sort_key)
    return result


def differences(expected: dict[str, list[tuple]], actual: dict[str, list[tuple]]) -> list[str]:
    """What differs, table by table: missing tables, row counts, the first differing rows."""
    found = []
    for table in sorted(expected.keys() | actual.keys()):
        if table not in actual or table not in expected:
            found.append(f"{table}: only on {'duckdb' if table in expected else 'the other engine'}")
            continue
        mine, theirs = expected[table], actual[table]
        if mine != theirs:
            only_mine = [row for row in mine if row not in theirs][:2]
            only_theirs = [row for row in theirs if row not in mine][:2]
            found.append(
                f"{table}: {len(mine)} vs {len(theirs)} rows; duckdb {only_mine} other {only_theirs}"
            )
    return found
