"""What one collection sync did, for asset metadata, the CLI's progress bars and the tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SyncReport:
    source: str
    collection: str
    endpoint: str  # "sandbox" or "live"
    mode: str = "incremental"  # "full", "full (resumed)", "full_resync" or "incremental"
    resync_reason: str | None = None
    pages: int = 0
    records: int = 0  # objects (or events) received
    written: int = 0  # distinct objects upserted
    deleted: int = 0  # of those, marked deleted
    requests: int = 0
    seconds: float = 0.0
    http_seconds: float = 0.0
    store_seconds: float = 0.0  # inside warehouse writes (upserts and cursors)
    cursor: dict | None = None
    started: float = field(default_factory=time.perf_counter)

    def finish(self, http_requests: int, http_seconds: float) -> SyncReport:
        self.requests = http_requests
        self.http_seconds = http_seconds
        self.seconds = time.perf_counter() - self.started
        return self

    def store(self, write, *args, **kwargs):
        """Run one warehouse write, counting its time apart from HTTP and the rest of our code."""
        started = time.perf_counter()
        try:
            return write(*args, **kwargs)
        finally:
            self.store_seconds += time.perf_counter() - started

    def metadata(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "mode": self.mode,
            "full_resync": self.mode == "full_resync",
            "resync_reason": self.resync_reason or "",
            "pages": self.pages,
            "records_fetched": self.records,
            "objects_written": self.written,
            "objects_deleted": self.deleted,
            "http_requests": self.requests,
            "seconds": round(self.seconds, 3),
            "seconds_waiting_on_http": round(self.http_seconds, 3),
            "seconds_writing_warehouse": round(self.store_seconds, 3),
        }


Progress = Callable[[SyncReport], None]


def no_progress(report: SyncReport) -> None:
    return None


def page_done(
    report: SyncReport,
    progress: Progress,
    records: int,
    written: int,
    deleted: int,
    cursor: dict | None,
    pages: int = 1,
) -> None:
    report.pages += pages
    report.records += records
    report.written += written
    report.deleted += deleted
    report.cursor = cursor
    progress(report)
