"""A Postgres connection that answers the calls the product makes on a DuckDB connection.

The warehouse code is written once against DuckDB's Python API: ``execute(sql, params)`` with ``?``
placeholders returning something to ``fetchone``/``fetchall``/``fetchmany`` from, ``executemany``, explicit
``begin transaction``/``commit``/``rollback`` statements. This wrapper gives a psycopg2 connection (the driver
dbt-postgres already brings) the same shape, so the SQL that both engines accept runs unchanged on either.

There is no read-only session: a dry run's diff needs temp tables, which Postgres refuses in a read-only
transaction; readers write no permanent table either way. The session runs in autocommit, like DuckDB's, so
a statement outside an explicit transaction commits at once; in UTC, so naive timestamps mean UTC on both
engines; and JSON columns come back as text, as DuckDB returns them, so callers parse them the same way.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg2
import psycopg2.extensions
import psycopg2.extras

# COPY in CSV format with delimiter and quote characters that cannot occur unescaped in a JSON text (JSON
# escapes control characters), so a spooled line goes in exactly as written. CSV also leaves backslashes
# alone, which COPY's text format would not. An unquoted empty field is NULL, a quoted one the empty string.
FIELD_SEPARATOR = "\x1f"
QUOTE = "\x01"
COPY_OPTIONS = "format csv, delimiter e'\\x1f', quote e'\\x01'"


def to_pyformat(sql: str) -> str:
    """``?`` placeholders outside string literals become ``%s``; a literal ``%`` is doubled."""
    out, quoted = [], False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "%":
            out.append("%%")
        elif char == "?" and not quoted:
            out.append("%s")
        else:
            out.append(char)
    return "".join(out)


def _params(params: Sequence[Any] | None) -> list[Any] | None:
    if not params:
        return None
    return [psycopg2.extras.Json(value) if isinstance(value, dict) else value for value in params]


class PostgresConnection:
    """One Postgres session, used like a ``duckdb.DuckDBPyConnection``."""

    engine = "postgres"

    def __init__(self, url: str) -> None:
        self.raw = psycopg2.connect(url)
        self.raw.autocommit = True
        psycopg2.extras.register_default_json(self.raw, loads=lambda text: text)
        psycopg2.extras.register_default_jsonb(self.raw, loads=lambda text: text)
        with self.raw.cursor() as cursor:
            cursor.execute("set time zone 'UTC'")

    def execute(self, sql: str, params: Sequence[Any] | None = None):
        cursor = self.raw.cursor()
        values = _params(params)
        cursor.execute(to_pyformat(sql) if values else sql, values)
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.raw.cursor() as cursor:
            psycopg2.extras.execute_batch(cursor, to_pyformat(sql), [_params(row) for row in rows])

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Bulk-load ``rows`` into ``table`` with COPY; returns the number of rows sent."""
        buffer, count = io.StringIO(), 0
        for row in rows:
            buffer.write(FIELD_SEPARATOR.join(_copy_field(value) for value in row))
            buffer.write("\n")
            count += 1
        buffer.seek(0)
        self.copy_text(table, columns, buffer)
        return count

    def copy_text(self, table: str, columns: Sequence[str], text) -> None:
        """COPY formatted text (one row a line, fields split by ``FIELD_SEPARATOR``) into ``table``."""
        with self.raw.cursor() as cursor:
            cursor.copy_expert(f"copy {table} ({', '.join(columns)}) from stdin with ({COPY_OPTIONS})", text)

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> PostgresConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _copy_field(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if not text or "\n" in text or "\r" in text or FIELD_SEPARATOR in text or QUOTE in text:
        # Quoting protects embedded newlines; the quote character itself is doubled.
        return QUOTE + text.replace(QUOTE, QUOTE * 2) + QUOTE
    return text
