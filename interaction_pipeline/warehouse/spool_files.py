"""Closed spool segments on disk: finding them, counting their lines, and pinpointing a corrupt line.

The collector writes `<spool>/<kind>/<yyyy-mm-dd>/<segment_id>.ndjson` once a segment is closed (the open one
ends in `.ndjson.open` and is never read here). Segment ids start with a UTC timestamp, so sorting by name is
sorting by time. A segment is named in the manifest by its path relative to the spool directory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

KINDS = ("events", "rejects")
_READ_BLOCK = 1 << 20


@dataclass(frozen=True)
class Segment:
    path: Path
    name: str  # relative to the spool dir: "events/2026-11-29/20261129T101500000000Z-1a2b3c4d.ndjson"
    kind: str
    size: int


class SpoolCorruptionError(RuntimeError):
    """A closed segment holds a line the loader cannot take; the message names the segment and line."""


def closed_segments(spool_dir: Path, kind: str, since_day: str = "") -> list[Segment]:
    """Every closed segment of one kind (`events` or `rejects`), oldest first.

    `since_day` (`yyyy-mm-dd`) skips older day folders, so a watcher polling every few seconds does not list a
    year of history each time.
    """
    root = spool_dir / kind
    if not root.is_dir():
        return []
    found = [
        Segment(path=path, name=path.relative_to(spool_dir).as_posix(), kind=kind, size=path.stat().st_size)
        for day in root.iterdir()
        if day.is_dir() and day.name >= since_day
        for path in day.glob("*.ndjson")
        if path.is_file()
    ]
    return sorted(found, key=lambda segment: (segment.path.name, segment.name))


def count_lines(path: Path) -> int:
    """Lines in a segment; a last line without its newline still counts (it is a message, not a torn tail:
    the collector truncates torn tails before closing a segment)."""
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while block := handle.read(_READ_BLOCK):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def chunked(segments: Iterable[Segment], max_bytes: int, max_segments: int) -> Iterator[list[Segment]]:
    """Group segments into loads of bounded size, so many small segments share one transaction while memory
    stays bounded by `max_bytes` of NDJSON (a single larger segment still forms its own chunk)."""
    chunk: list[Segment] = []
    size = 0
    for segment in segments:
        if chunk and (size + segment.size > max_bytes or len(chunk) >= max_segments):
            yield chunk
            chunk, size = [], 0
        chunk.append(segment)
        size += segment.size
    if chunk:
        yield chunk


def first_bad_line(
    segments: Iterable[Segment], problem_in: Callable[[dict], str | None]
) -> tuple[Segment, int, str] | None:
    """The first line (1-based) in `segments` that is not a JSON object or that `problem_in` objects to.

    Only called after a bulk load failed, to turn DuckDB's error into one that names the file and line.
    """
    for segment in segments:
        with segment.path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    value = orjson.loads(line)
                except orjson.JSONDecodeError as error:
                    return segment, number, f"not valid JSON ({error})"
                if not isinstance(value, dict):
                    return segment, number, "not a JSON object"
                if problem := problem_in(value):
                    return segment, number, problem
    return None
