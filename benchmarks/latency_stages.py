"""Where a change's latency goes, read from the spool and from Dagster's records of the runs it caused.

An email open: the segment's age (until the collector closed its segment), the spool sensor's interval (until
the load run was created), the load, the rebuild wait (the next evaluation, the window if one build already
ran in it, and the pool if another run held it, until the build's run started), the dbt build (until the
audience model materialized) and the sync (until every destination held the person). A ticket: Zendesk's
one-minute hold-back and the poll cadence (until a poll wrote it), then the same rebuild and sync.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from fixtures.audience_changes import REENGAGEMENT, SUPPRESSION, Person

RAW = {
    SUPPRESSION: dg.AssetKey(["raw_zendesk", "tickets"]),
    REENGAGEMENT: dg.AssetKey(["raw_events", "messages"]),
}
MODEL = {audience: dg.AssetKey(["audiences", f"aud_{audience}"]) for audience in (SUPPRESSION, REENGAGEMENT)}


@dataclass
class Change:
    audience: str
    person: Person
    made: float  # the ticket's creation, or the collector's 2xx
    arrived: float | None = None  # every destination of the audience holds the person

    @property
    def latency(self) -> float | None:
        return self.arrived - self.made if self.arrived else None


def first_materialization(instance: dg.DagsterInstance, key: dg.AssetKey, after: float) -> float | None:
    record = first_record(instance, key, after)
    return record.timestamp if record else None


def first_record(instance: dg.DagsterInstance, key: dg.AssetKey, after: float):
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, after_timestamp=after), limit=1, ascending=True
    ).records
    return records[0] if records else None


def run_started(instance: dg.DagsterInstance, run_id: str) -> float | None:
    record = instance.get_run_record_by_id(run_id)
    return record.start_time if record else None


def segment_closed(home: Path, change: Change) -> float | None:
    """When the collector closed the segment holding the open (closing renames it, which sets its ctime)."""
    for segment in (home / "spool" / "events").rglob("*.ndjson"):
        if segment.stat().st_ctime >= change.made and change.person.user_id in segment.read_text():
            return segment.stat().st_ctime
    return None


def load_created(instance: dg.DagsterInstance, after: float) -> float | None:
    records = instance.get_run_records(
        dg.RunsFilter(job_name="load_spool_events", created_after=datetime.fromtimestamp(after, UTC)),
        ascending=True,
        limit=1,
    )
    return records[0].create_timestamp.timestamp() if records else None


def stages(instance: dg.DagsterInstance, home: Path, change: Change) -> dict[str, float] | None:
    """Seconds per stage, in order, or None if a stage could not be found."""
    marks: list[tuple[str, float | None]] = [("made", change.made)]
    if change.audience == REENGAGEMENT:
        closed = segment_closed(home, change)
        marks += [("segment age", closed), ("spool sensor", closed and load_created(instance, closed))]
        marks.append(("load", closed and first_materialization(instance, RAW[REENGAGEMENT], closed)))
    else:
        polled = first_materialization(instance, RAW[SUPPRESSION], change.made)
        marks.append(("Zendesk hold-back and poll", polled))
    landed = marks[-1][1]
    rebuilt = landed and first_record(instance, MODEL[change.audience], landed)
    build_started = rebuilt and run_started(instance, rebuilt.run_id)
    marks += [("rebuild wait", build_started), ("dbt build", rebuilt and rebuilt.timestamp)]
    marks.append(("sync", change.arrived))
    if any(moment is None for _, moment in marks):
        return None
    return {name: marks[i][1] - marks[i - 1][1] for i, (name, _) in enumerate(marks) if i}


def stage_medians(instance: dg.DagsterInstance, home: Path, changes: list[Change]) -> dict[str, dict]:
    found: dict[str, list[dict[str, float]]] = {}
    for change in changes:
        measured = stages(instance, home, change) if change.arrived else None
        if measured:
            found.setdefault(change.audience, []).append(measured)
    return {
        audience: {stage: statistics.median(s[stage] for s in rows) for stage in rows[0]}
        for audience, rows in found.items()
    }
