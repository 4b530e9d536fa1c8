"""What the debugger shows: per source the last accepted messages, and the last rejects, in memory.

Like Segment's Debugger this is a view, not a store: ring buffers of 500 entries, lost on restart. Each entry
gets a sequence number so the page can poll for "everything after the last one I saw".
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

# Distinct event names counted per source; beyond this (names carrying ids, say) they count as "(other)".
MAX_EVENT_NAMES = 1000


@dataclass
class SourceActivity:
    recent: deque
    accepted: int = 0
    rejected: int = 0
    last_received_at: str | None = None
    events: dict[str, int] = field(default_factory=dict)


class LiveView:
    def __init__(self, size: int = 500) -> None:
        self.size = size
        self._sequence = itertools.count(1)
        self.sources: dict[str, SourceActivity] = {}
        self.rejects: deque = deque(maxlen=size)

    def _activity(self, name: str) -> SourceActivity:
        activity = self.sources.get(name)
        if activity is None:
            activity = self.sources[name] = SourceActivity(deque(maxlen=self.size))
        return activity

    def record_accepted(
        self, source_name: str, received_at: str, entries: list, lengths: list[int], data: bytes
    ) -> None:
        """``entries`` holds (type, event name) per line; the lines are ``data``, newline-separated, with
        these ``lengths``. Entries keep offsets into ``data`` and are cut out only when shown."""
        activity = self._activity(source_name)
        activity.accepted += len(lengths)
        activity.last_received_at = received_at
        start = 0
        for (kind, name), length in zip(entries, lengths, strict=True):
            counted = name if name in activity.events or len(activity.events) < MAX_EVENT_NAMES else "(other)"
            activity.events[counted] = activity.events.get(counted, 0) + 1
            activity.recent.append((next(self._sequence), kind, name, data, start, start + length))
            start += length + 1

    def record_rejects(self, records: list[dict]) -> None:
        for record in records:
            source = record["_source"]
            if source:
                self._activity(source["name"]).rejected += 1
            self.rejects.append((next(self._sequence), record))

    def events(
        self, source: str | None, event: str | None, query: str | None, after: int, limit: int
    ) -> list:
        """Entries newest last, filtered by source, event name and a case-insensitive raw-JSON search."""
        names = [source] if source else list(self.sources)
        needle = query.lower().encode() if query else None
        found = []
        for name in names:
            activity = self.sources.get(name)
            if activity is None:
                continue
            for sequence, kind, event_name, data, start, end in activity.recent:
                if sequence <= after or (event and event_name != event):
                    continue
                line = data[start:end]
                if needle and needle not in line.lower():
                    continue
                found.append((sequence, name, kind, event_name, line))
        found.sort(key=lambda entry: entry[0])
        return found[-limit:]

    def recent_rejects(self, source: str | None, after: int, limit: int) -> list:
        found = [
            (sequence, record)
            for sequence, record in self.rejects
            if sequence > after and (not source or (record["_source"] or {}).get("name") == source)
        ]
        return found[-limit:]
