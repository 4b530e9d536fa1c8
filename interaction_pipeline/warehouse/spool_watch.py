"""Which closed spool segments appeared since the last look, for the spool sensor.

The sensor must not open DuckDB (a load may hold the write lock), so it tracks what it has seen in its own
cursor. Segment ids start with the UTC time the segment was opened, so they mostly arrive in order; but with
several collectors a segment opened earlier can close later. The cursor therefore keeps a floor (every id at
or below it was seen) plus the names seen within a lookback window above the floor, and a late segment inside
the window is still noticed. Anything missed anyway is loaded by the hourly schedule: the loader itself goes
by the manifest, not by this cursor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from interaction_pipeline.warehouse.spool_files import KINDS, closed_segments

LOOKBACK = timedelta(hours=2)
_ID_TIME_FORMAT = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class SpoolCursor:
    floor: str = ""  # a segment id; every segment whose id sorts at or below it has been seen
    recent: frozenset[str] = frozenset()  # names (relative to the spool dir) seen above the floor

    @classmethod
    def parse(cls, text: str | None) -> SpoolCursor:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(floor=data["floor"], recent=frozenset(data["recent"]))

    def serialize(self) -> str:
        return json.dumps({"floor": self.floor, "recent": sorted(self.recent)})


def segment_id(name: str) -> str:
    """`events/2026-11-29/20261129T101500000000Z-1a2b3c4d.ndjson` → `20261129T101500000000Z-1a2b3c4d`."""
    return name.rsplit("/", 1)[-1].removesuffix(".ndjson")


def _day_folder(floor: str) -> str:
    try:
        return datetime.strptime(floor[:8], "%Y%m%d").strftime("%Y-%m-%d")
    except ValueError:
        return ""


def new_segments(spool_dir: Path, cursor: SpoolCursor) -> tuple[list[str], SpoolCursor]:
    """Closed segment names (events and rejects) not seen before, and the cursor that remembers them."""
    since_day = _day_folder(cursor.floor)
    on_disk = [s.name for kind in KINDS for s in closed_segments(spool_dir, kind, since_day=since_day)]
    fresh = sorted(
        (name for name in on_disk if segment_id(name) > cursor.floor and name not in cursor.recent),
        key=lambda name: (segment_id(name), name),
    )
    return fresh, _advance(cursor, fresh)


def _advance(cursor: SpoolCursor, fresh: list[str]) -> SpoolCursor:
    seen = cursor.recent | set(fresh)
    if not seen:
        return cursor
    newest = max(segment_id(name) for name in seen)
    try:
        threshold = (datetime.strptime(newest[:22], _ID_TIME_FORMAT) - LOOKBACK).strftime(_ID_TIME_FORMAT)
    except ValueError:
        return SpoolCursor(cursor.floor, frozenset(seen))
    settled = [name for name in seen if segment_id(name) < threshold]
    floor = max([cursor.floor, *(segment_id(name) for name in settled)])
    return SpoolCursor(floor, frozenset(name for name in seen if segment_id(name) > floor))
