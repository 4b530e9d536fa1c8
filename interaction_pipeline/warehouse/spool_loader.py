"""Load closed spool segments into the warehouse: `raw_events.messages` and `raw_events.rejects`.

Each chunk of segments is one transaction: bulk-read into a staging table (DuckDB's `read_json`, Postgres's
COPY, see `spool_postgres.py`), reconcile the rows read against the lines on disk, insert (events
deduplicated per source on `(source_name, message_id)`, both within the chunk and against everything loaded
before), and record every segment in `pipeline.spool_manifest`. Deduplication is per source because a sender
chooses its own messageIds: one source reusing another's ids must not make the other's messages disappear.
A crash leaves either all of a chunk or none of it, and segments already in the manifest are never read again,
so reruns change nothing. Nothing is skipped silently: a line the warehouse cannot take fails the load with
the segment and line named, and a count that does not add up fails it with the segment named.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from interaction_pipeline.warehouse import spool_postgres
from interaction_pipeline.warehouse.engine import WAREHOUSE_ERRORS, Connection, engine_of
from interaction_pipeline.warehouse.schema import MANIFEST_TABLE, ensure_event_tables
from interaction_pipeline.warehouse.spool_files import (
    KINDS,
    Segment,
    SpoolCorruptionError,
    chunked,
    closed_segments,
    count_lines,
    first_bad_line,
)
from interaction_pipeline.warehouse.spool_formats import FORMATS, SpoolFormat
from interaction_pipeline.warehouse.spool_report import LoadReport, SegmentLoad

# Up to 512 MiB of NDJSON (~700k messages) per transaction bounds the staging table's memory while giving
# DuckDB enough rows per statement to use every thread (parallelism is per 122,880-row group). Measured on
# 1.1 M lines: 128 MiB chunks 5.9 s, 256 MiB 5.4 s, 512 MiB 3.8 s, 1 GiB 3.9 s.
MAX_CHUNK_BYTES = 512 << 20
MAX_CHUNK_SEGMENTS = 1000
STAGING_TABLE = "spool_staging"


class SpoolReconciliationError(RuntimeError):
    """Rows read from a segment do not match its line count."""


class SpoolLoadError(RuntimeError):
    """The warehouse refused a chunk although every line in it looks valid; the message names the segments."""


def loaded_segment_names(conn: Connection) -> set[str]:
    ensure_event_tables(conn)
    return {row[0] for row in conn.execute(f"select segment from {MANIFEST_TABLE}").fetchall()}


def pending_segments(conn: Connection, spool_dir: Path) -> list[Segment]:
    """Closed segments (events first, then rejects) that are not in the manifest yet."""
    loaded = loaded_segment_names(conn)
    return [s for kind in KINDS for s in closed_segments(spool_dir, kind) if s.name not in loaded]


def load_spool(
    conn: Connection,
    spool_dir: Path,
    *,
    max_chunk_bytes: int = MAX_CHUNK_BYTES,
    max_chunk_segments: int = MAX_CHUNK_SEGMENTS,
) -> LoadReport:
    """Load every closed, not yet loaded segment under `spool_dir`; return what was loaded."""
    spool_dir = Path(spool_dir).resolve()  # segment names are cut from DuckDB's absolute file names
    keep_private(conn)
    report = LoadReport()
    pending = pending_segments(conn, spool_dir)
    with _bulk_load_settings(conn):
        for kind in KINDS:
            of_kind = [segment for segment in pending if segment.kind == kind]
            for chunk in chunked(of_kind, max_chunk_bytes, max_chunk_segments):
                _load_chunk(conn, spool_dir, FORMATS[kind], chunk, report)
    return report


def keep_private(conn: Connection) -> None:
    """Make the warehouse file (and its write-ahead log) readable by the service user only: it holds every
    event, with the emails and phone numbers in them. DuckDB creates files with the process umask; a
    Postgres server keeps its own files private."""
    if engine_of(conn) != "duckdb":
        return
    for (path,) in conn.execute("select path from duckdb_databases() where path is not null").fetchall():
        for file in (Path(path), Path(f"{path}.wal")):
            if file.exists() and file.stat().st_mode & 0o077:
                file.chmod(0o600)


@contextmanager
def _bulk_load_settings(conn: Connection):
    # Row order inside the raw tables carries no meaning; letting DuckDB reorder saves memory and time.
    if engine_of(conn) != "duckdb":
        yield
        return
    previous = conn.execute("select current_setting('preserve_insertion_order')").fetchone()[0]
    conn.execute("set preserve_insertion_order = false")
    try:
        yield
    finally:
        conn.execute(f"set preserve_insertion_order = {'true' if previous else 'false'}")


def _load_chunk(
    conn: Connection,
    spool_dir: Path,
    spool_format: SpoolFormat,
    chunk: list[Segment],
    report: LoadReport,
) -> None:
    lines = {segment.name: count_lines(segment.path) for segment in chunk}
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    conn.execute("begin transaction")
    try:
        try:
            read = _stage(conn, spool_dir, spool_format, chunk, loaded_at)
            _reconcile(lines, read)
            kept = _insert(conn, spool_format, loaded_at)
        except (*WAREHOUSE_ERRORS, spool_postgres.InvalidLineError) as error:
            raise _explain_failure(spool_format, chunk, error) from error
        loads = _segment_loads(spool_format.kind, lines, read, kept)
        conn.executemany(
            f"insert into {MANIFEST_TABLE} values (?, ?, ?, ?, ?, ?)",
            [
                [load.segment, load.kind, load.lines, load.rows_loaded, load.duplicates, loaded_at]
                for load in loads
            ],
        )
        conn.execute(f"drop table {STAGING_TABLE}")
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    report.segments.extend(loads)
    _count_sources(spool_format.kind, read, kept, report)


def _stage(
    conn, spool_dir: Path, spool_format: SpoolFormat, chunk: list[Segment], loaded_at: datetime
) -> Counter:
    """Read the chunk into a temporary table; return rows read per (segment, source name)."""
    if engine_of(conn) == "postgres":
        spool_postgres.stage(conn, spool_format, chunk, loaded_at, STAGING_TABLE)
        return _counts_by_segment_and_source(conn, STAGING_TABLE, "true")
    prefix_length = len(str(spool_dir)) + 1
    sql = f"""
        create or replace temp table {STAGING_TABLE} as
        select {spool_format.select_list},
               substr(filename, {prefix_length + 1}) as _spool_segment,
               ?::timestamp as _loaded_at
        from read_json(?, format = 'newline_delimited', filename = true,
                       columns = {spool_format.columns_literal()})
    """
    conn.execute(sql, [loaded_at, [str(segment.path) for segment in chunk]])
    return _counts_by_segment_and_source(conn, STAGING_TABLE, "true")


def _explain_failure(spool_format: SpoolFormat, chunk: list[Segment], error: Exception) -> Exception:
    bad = first_bad_line(chunk, spool_format.line_problem)
    if bad:
        segment, line, problem = bad
        return SpoolCorruptionError(f"spool segment {segment.name} line {line}: {problem}")
    names = ", ".join(segment.name for segment in chunk)
    return SpoolLoadError(f"loading spool segments [{names}] failed: {error}")


def _counts_by_segment_and_source(conn, table: str, condition: str, parameters=()) -> Counter:
    rows = conn.execute(
        f"select _spool_segment, source_name, count(*) from {table} where {condition} group by 1, 2",
        list(parameters),
    ).fetchall()
    return Counter({(segment, source): count for segment, source, count in rows})


def _insert(conn, spool_format: SpoolFormat, loaded_at: datetime) -> Counter:
    """Insert the staged rows; return rows kept per (segment, source name).

    Events keep one row per source and message_id: the first of each within the chunk (DISTINCT ON) and none
    already in the table (anti-join). Which of two identical resends is kept carries no meaning. Every event
    line names its source, so ``source_name`` is never null here.
    """
    if engine_of(conn) == "postgres":
        inserted_total = conn.execute(spool_postgres.insert_sql(spool_format, STAGING_TABLE)).rowcount
    elif spool_format.deduplicate:
        source = (
            f"select distinct on (source_name, message_id) * from {STAGING_TABLE} "
            f"anti join {spool_format.table} using (source_name, message_id)"
        )
        inserted_total = conn.execute(f"insert into {spool_format.table} {source}").fetchone()[0]
    else:
        inserted_total = conn.execute(
            f"insert into {spool_format.table} select * from {STAGING_TABLE}"
        ).fetchone()[0]
    kept = _counts_by_segment_and_source(conn, spool_format.table, "_loaded_at = ?", [loaded_at])
    if sum(kept.values()) != inserted_total:
        raise SpoolReconciliationError(
            f"{spool_format.table}: inserted {inserted_total} rows but found {sum(kept.values())} stamped "
            f"with this load's time {loaded_at.isoformat()}"
        )
    return kept


def _reconcile(lines: dict[str, int], read: Counter) -> None:
    read_by_segment = _by_segment(read)
    for segment, expected in lines.items():
        got = read_by_segment.get(segment, 0)
        if got != expected:
            raise SpoolReconciliationError(
                f"spool segment {segment}: {expected} lines on disk but {got} rows read "
                "(an empty or unreadable line?)"
            )


def _by_segment(counts: Counter) -> Counter:
    totals: Counter = Counter()
    for (segment, _source), count in counts.items():
        totals[segment] += count
    return totals


def _segment_loads(kind: str, lines: dict[str, int], read: Counter, kept: Counter) -> list[SegmentLoad]:
    read_by_segment, kept_by_segment = _by_segment(read), _by_segment(kept)
    loads = []
    for segment, line_count in lines.items():
        rows_loaded = kept_by_segment.get(segment, 0)
        duplicates = read_by_segment.get(segment, 0) - rows_loaded
        if rows_loaded + duplicates != line_count or duplicates < 0:
            raise SpoolReconciliationError(
                f"spool segment {segment}: {line_count} lines but "
                f"{rows_loaded} loaded + {duplicates} duplicates"
            )
        loads.append(SegmentLoad(segment, kind, line_count, rows_loaded, duplicates))
    return loads


def _count_sources(kind: str, read: Counter, kept: Counter, report: LoadReport) -> None:
    for (_segment, source), count in kept.items():
        target = report.messages_by_source if kind == "events" else report.rejects_by_source
        target[source or "(unknown)"] += count
    if kind == "events":
        for key, count in read.items():
            report.duplicates_by_source[key[1] or "(unknown)"] += count - kept.get(key, 0)
