"""File destination: one folder per run under `<home>/exports/audiences/<audience>/` (tools without an API).

A run writes `added.<fmt>` and/or `removed.<fmt>` (csv or parquet, option `format`), one row per member with
`profile_id`, `user_id` and normalized plain identifiers (`email` trimmed and lowercased, `phone` in E.164); a
full refresh writes `members.<fmt>`, everyone in the audience.
The warehouse writes the files straight from the sync's staging tables (DuckDB's COPY TO, Postgres's COPY TO
STDOUT), so nothing goes through Python per row. A run
with no change writes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from interaction_pipeline import settings
from interaction_pipeline.destinations.base import BatchResult, Confirmed, OutRow
from interaction_pipeline.destinations.payloads import IDENTIFIER_COLUMNS
from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.warehouse.engine import Connection, export_query

ACTION_FILES = {
    "add": ("_adds", "added"),
    "remove": ("_removes", "removed"),
    "replace": ("_everyone", "members"),
}


class FileDestination:
    name = "file"
    confirms_on_close = True
    supports_replace = True

    def __init__(self, folder: Path | None = None) -> None:
        self.root = folder or settings.paths().exports / "audiences"
        self.endpoint = str(self.root)
        self.account = str(self.root)
        self.conn: Connection | None = None
        self.run_folder: Path | None = None
        self.format = "csv"
        self.written: list[Path] = []
        self.writes = 0

    def rows_per_batch(self, target: SyncTarget) -> int:
        return 1_000_000_000  # one file per action: a single "batch"

    def request_count(self) -> int:
        return self.writes

    def prepare(self, conn: Connection, target: SyncTarget, *, dry_run: bool) -> None:
        self.conn = conn
        self.format = target.options.get("format", "csv")
        if self.format not in ("csv", "parquet"):
            raise ValueError(f"file format must be csv or parquet, not {self.format!r}")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.run_folder = self.root / target.audience.name / stamp

    def open(self, action: str, total_rows: int, total_batches: int) -> None:
        return None

    def send(self, action: str, rows: list[OutRow], batch_seq: int) -> BatchResult:
        return BatchResult(counts={"rows_written": len(rows)})

    def close(self, action: str) -> BatchResult:
        table, stem = ACTION_FILES[action]
        self.run_folder.mkdir(parents=True, exist_ok=True)
        path = self.run_folder / f"{stem}.{self.format}"
        columns = ", ".join(
            f"cast(payload as json)->>'{name}' as {name}" for name in ("profile_id", *IDENTIFIER_COLUMNS)
        )
        export_query(self.conn, f"select {columns} from {table} order by member_key", path, self.format)
        self.writes += 1
        self.written.append(path)
        return BatchResult(counts={"files_written": 1})

    def membership_days(self, target: SyncTarget) -> int | None:
        return None

    def verify_remote(self, target: SyncTarget, confirmed: Confirmed) -> str | None:
        return None  # written files are the record: there is nothing remote to lose

    def delete_remote_list(self, conn: Connection, target: SyncTarget) -> bool:
        return False

    def remote_list(self, conn: Connection, target: SyncTarget) -> tuple[str, str]:
        folder = self.root / target.audience.name
        return str(folder), folder.as_uri()
