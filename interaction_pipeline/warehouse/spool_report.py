"""What one run of the spool loader did, per segment and per source (the asset's metadata)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SegmentLoad:
    segment: str
    kind: str
    lines: int
    rows_loaded: int
    duplicates: int


@dataclass
class LoadReport:
    segments: list[SegmentLoad] = field(default_factory=list)
    messages_by_source: Counter = field(default_factory=Counter)
    duplicates_by_source: Counter = field(default_factory=Counter)
    rejects_by_source: Counter = field(default_factory=Counter)

    def _total(self, kind: str, attribute: str) -> int:
        return sum(getattr(load, attribute) for load in self.segments if load.kind == kind)

    @property
    def lines(self) -> int:
        return sum(load.lines for load in self.segments)

    @property
    def rows_loaded(self) -> int:
        return self._total("events", "rows_loaded")

    @property
    def duplicates(self) -> int:
        return self._total("events", "duplicates")

    @property
    def rejects_loaded(self) -> int:
        return self._total("rejects", "rows_loaded")
