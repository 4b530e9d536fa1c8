"""Append-only NDJSON spool segments: ``<dir>/<yyyy-mm-dd>/<segment_id>.ndjson[.open]``.

A segment is written as ``.open`` and renamed to ``.ndjson`` when closed (fsync the file, rename, fsync the
folder), so the loader only ever sees complete files. The writer holds an ``flock`` on its open segment,
which lets crash recovery tell a crashed collector's file (unlocked) from a live one's (locked).

Segments hold customer events, with their emails and phone numbers: files are created 0600 and folders 0700,
whatever the umask.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path

logger = logging.getLogger("interaction_pipeline.collector.spool")

OPEN_SUFFIX = ".ndjson.open"


def new_segment_id(moment: datetime | None = None) -> str:
    """Names sort by time and never collide across restarts or collectors."""
    moment = moment or datetime.now(UTC)
    return f"{moment:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(4)}"


def fsync_directory(directory: Path) -> None:
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def private_directory(directory: Path) -> None:
    """Create ``directory`` (and missing parents) readable by this user only, or make it so if it exists."""
    missing = [directory, *directory.parents]
    missing = [path for path in missing if not path.exists()]
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
        fsync_directory(path.parent)
    if directory.stat().st_mode & 0o077:
        directory.chmod(0o700)


def write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(handle, view)
        view = view[written:]


def sync_file(handle: int) -> None:
    os.fdatasync(handle)


class SpoolStream:
    """One stream of segments (events or rejects), rotated by size and age. Not thread-safe: one writer."""

    def __init__(self, directory: Path, max_bytes: int, max_age_seconds: float) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.max_age_seconds = max_age_seconds
        self._handle: int | None = None
        self._path: Path | None = None
        self._size = 0
        self._synced_size = 0
        self._opened_at = 0.0

    def __repr__(self) -> str:
        return f"SpoolStream({self.directory})"

    def _open(self) -> None:
        now = datetime.now(UTC)
        day = self.directory / f"{now:%Y-%m-%d}"
        if not day.exists():
            private_directory(day)
        path = day / f"{new_segment_id(now)}{OPEN_SUFFIX}"
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(handle, fcntl.LOCK_EX)
        fsync_directory(day)
        self._handle, self._path, self._opened_at = handle, path, time.monotonic()
        self._size = self._synced_size = 0

    def append(self, data: bytes) -> None:
        """Write whole lines; on failure undo the partial write so no torn line stays in the segment."""
        if not data:
            return
        if self._handle is None:
            self._open()
        try:
            write_all(self._handle, data)
        except OSError:
            self._abandon_after_error()
            raise
        self._size += len(data)

    def sync(self) -> None:
        if self._handle is not None:
            try:
                sync_file(self._handle)
            except OSError:
                self._abandon_after_error()
                raise
            self._synced_size = self._size

    def _abandon_after_error(self) -> None:
        """Cut the segment back to what the last successful fsync made durable and close it; if even that
        fails, leave it ``.open`` for crash recovery at the next start (the loader never reads ``.open``)."""
        handle, path = self._handle, self._path
        self._handle = self._path = None
        try:
            os.ftruncate(handle, self._synced_size)
            os.fsync(handle)
            os.close(handle)
            self._finish(path)
        except OSError:
            logger.exception("could not close segment %s after a write error; left for recovery", path)
            with contextlib.suppress(OSError):
                os.close(handle)

    def is_due(self) -> bool:
        if self._handle is None:
            return False
        return self._size >= self.max_bytes or time.monotonic() - self._opened_at >= self.max_age_seconds

    def rotate_if_due(self) -> None:
        if self.is_due():
            self.close()

    def close(self) -> None:
        """fsync, rename ``.open`` → ``.ndjson``, fsync the folder. Idempotent."""
        if self._handle is None:
            return
        handle, path = self._handle, self._path
        self._handle = self._path = None
        try:
            os.fsync(handle)
        finally:
            os.close(handle)  # on failure the segment stays .open and is recovered at the next start
        self._finish(path)

    def _finish(self, path: Path) -> None:
        size = path.stat().st_size
        if size == 0:
            path.unlink()
        else:
            path.rename(path.with_name(path.name.removesuffix(".open")))
            logger.info("closed segment %s (%d bytes)", path.name.removesuffix(".open"), size)
        fsync_directory(path.parent)
