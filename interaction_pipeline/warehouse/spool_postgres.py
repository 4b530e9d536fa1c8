"""Staging a chunk of spool segments in Postgres: every line goes in with COPY, then SQL types its fields.

Postgres has no ``read_json``. Its bulk path is COPY: the segment files stream through as they are, each line
prefixed with its segment's name, into a temp table of ``json`` values (Postgres checks each is valid JSON),
and one ``insert ... select`` extracts the typed columns the same way `spool_formats` tells DuckDB to.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from interaction_pipeline.warehouse.engine import replace_temp_table
from interaction_pipeline.warehouse.postgres import FIELD_SEPARATOR, PostgresConnection
from interaction_pipeline.warehouse.spool_files import Segment
from interaction_pipeline.warehouse.spool_formats import SpoolFormat

LINES_TABLE = "spool_lines"


class InvalidLineError(ValueError):
    """A line is JSON but not what DuckDB's typed read would accept (say, a ``_source`` that is no object)."""


class _PrefixedLines:
    """The lines of several segments as one COPY stream, each prefixed with its segment's name."""

    def __init__(self, segments: list[Segment]) -> None:
        self._lines = self._generate(segments)
        self._pending = b""

    @staticmethod
    def _generate(segments: list[Segment]) -> Iterator[bytes]:
        for segment in segments:
            prefix = segment.name.encode() + FIELD_SEPARATOR.encode()
            with segment.path.open("rb") as handle:
                for line in handle:
                    yield prefix + (line if line.endswith(b"\n") else line + b"\n")

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._pending) < size:
            line = next(self._lines, None)
            if line is None:
                break
            self._pending += line
        cut = len(self._pending) if size < 0 else size
        data, self._pending = self._pending[:cut], self._pending[cut:]
        return data

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def stage(
    conn: PostgresConnection,
    spool_format: SpoolFormat,
    chunk: list[Segment],
    loaded_at: datetime,
    staging_table: str,
) -> None:
    conn.execute(f"drop table if exists pg_temp.{LINES_TABLE}")
    conn.execute(f"create temp table {LINES_TABLE} (_spool_segment text, line json)")
    conn.copy_text(LINES_TABLE, ["_spool_segment", "line"], _PrefixedLines(chunk))
    odd = conn.execute(f"select count(*) from {LINES_TABLE} where {_refused(spool_format)}").fetchone()[0]
    if odd:
        raise InvalidLineError(f"{odd} spooled lines are not what {spool_format.table} takes")
    # An empty line is no row, as in DuckDB's read: the line count then does not add up, and the load says so.
    replace_temp_table(
        conn,
        staging_table,
        f"select {spool_format.postgres_select_list('line')}, _spool_segment, ?::timestamp as _loaded_at "
        f"from {LINES_TABLE} where line is not null",
        [loaded_at],
    )
    conn.execute(f"drop table {LINES_TABLE}")


# An ISO-8601 date and time; Postgres alone would also take words such as 'yesterday' or 'now'.
ISO_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$"


def _refused(spool_format: SpoolFormat) -> str:
    """Lines DuckDB's typed read refuses, where Postgres's operators would quietly read nulls or words."""
    timestamps = [field.path[0] for field in spool_format.fields if field.kind == "timestamp"]
    checks = [
        "json_typeof(line) <> 'object'",
        "json_typeof(line->'_source') not in ('object', 'null')",
        *(f"(line->>'{key}') !~ '{ISO_TIMESTAMP}'" for key in timestamps),
    ]
    return "line is not null and (" + " or ".join(checks) + ")"


def insert_sql(spool_format: SpoolFormat, staging_table: str) -> str:
    """The insert, events deduplicated per source on (source_name, message_id) within the chunk and against
    the table."""
    if not spool_format.deduplicate:
        return f"insert into {spool_format.table} select * from {staging_table}"
    return (
        f"insert into {spool_format.table} "
        f"select distinct on (source_name, message_id) * from {staging_table} s "
        f"where not exists (select 1 from {spool_format.table} t "
        f"where t.source_name = s.source_name and t.message_id = s.message_id)"
    )
