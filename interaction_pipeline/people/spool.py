"""Deleting a person from the collector's spool: every closed segment is rewritten without the lines that
quote one of their identifiers (a message, or a refused body with its reason).

A line is a JSON document, and a refused body is kept in it as a string, so an identifier appears either as
`"value"` or, inside that string, as `\\"value\\"`; emails are compared in lower case. The rewrite goes to a
temporary file in the same folder that then replaces the segment, so a crash leaves the old segment or the
new one, never half of either. A segment the collector still writes (`.ndjson.open`) is not touched: it is
counted, so the command can say to run again once the collector has closed it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from interaction_pipeline.people.identity import Person
from interaction_pipeline.warehouse.spool_files import KINDS, closed_segments


@dataclass
class SpoolScrub:
    lines: int = 0  # lines removed
    segments: int = 0  # segments rewritten
    open_segments: list[Path] = field(default_factory=list)  # being written: not touched


def _needles(person: Person) -> tuple[list[bytes], list[bytes]]:
    """(exact, lower-case) byte strings whose presence in a line means it is about the person."""

    def quoted(value: str) -> list[bytes]:
        return [f'"{value}"'.encode(), f'\\"{value}\\"'.encode()]

    exact = [
        needle for kind in ("user_id", "anonymous_id") for v in person.values(kind) for needle in quoted(v)
    ]
    emails = [needle for email in person.values("email") for needle in quoted(email.lower())]
    return exact, emails


def _about(line: bytes, exact: list[bytes], emails: list[bytes]) -> bool:
    if any(needle in line for needle in exact):
        return True
    lowered = line.lower() if emails else b""
    return any(needle in lowered for needle in emails)


def scrub_spool(spool_dir: Path, person: Person) -> SpoolScrub:
    exact, emails = _needles(person)
    result = SpoolScrub()
    for kind in KINDS:
        for segment in closed_segments(spool_dir, kind):
            lines = segment.path.read_bytes().splitlines(keepends=True)
            kept = [line for line in lines if not _about(line, exact, emails)]
            if len(kept) == len(lines):
                continue
            temporary = segment.path.with_name(segment.path.name + ".forgetting")
            temporary.write_bytes(b"".join(kept))
            os.chmod(temporary, segment.path.stat().st_mode)
            os.replace(temporary, segment.path)
            result.lines += len(lines) - len(kept)
            result.segments += 1
        result.open_segments += sorted((spool_dir / kind).glob("*/*.ndjson.open"))
    return result
