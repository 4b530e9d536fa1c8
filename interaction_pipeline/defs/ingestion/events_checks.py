"""Checks on `raw_events/messages`, evaluated by the loading asset right after each load.

They run in the loader's step (check specs on the asset) because every warehouse connection must hold the one
pool slot; one step per load keeps the sensor's runs cheap. Thresholds are settings:
`INTERACTION_PIPELINE_REJECTS_WARN_RATIO` (default 0.05) and `INTERACTION_PIPELINE_SOURCE_QUIET_HOURS`
(default 12; Braze disables a failing Currents connector after 5 days, so half a day is plenty of warning).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg

from interaction_pipeline import settings
from interaction_pipeline.warehouse import event_health
from interaction_pipeline.warehouse.engine import Connection

MESSAGES_KEY = dg.AssetKey(["raw_events", "messages"])
REJECTS_WINDOW = timedelta(hours=24)

CHECK_SPECS = [
    dg.AssetCheckSpec(
        "rejects_ratio",
        asset=MESSAGES_KEY,
        description="Share of each source's messages rejected by the collector in the last 24 hours.",
    ),
    dg.AssetCheckSpec(
        "active_sources_fresh",
        asset=MESSAGES_KEY,
        description="Every source that sent events in the last 7 days has sent one in the last N hours.",
    ),
    dg.AssetCheckSpec(
        "unique_message_ids",
        asset=MESSAGES_KEY,
        blocking=True,
        description="No message_id appears twice (downstream models count on it).",
    ),
]


def rejects_warn_ratio() -> float:
    return float(settings.env("INTERACTION_PIPELINE_REJECTS_WARN_RATIO", "0.05"))


def quiet_hours() -> float:
    return float(settings.env("INTERACTION_PIPELINE_SOURCE_QUIET_HOURS", "12"))


def _markdown_table(header: list[str], rows: list[list]) -> dg.MetadataValue:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return dg.MetadataValue.md("\n".join(lines) if rows else "_none_")


def rejects_ratio_check(conn: Connection, now: datetime) -> dg.AssetCheckResult:
    threshold = rejects_warn_ratio()
    by_source = event_health.rejects_by_source(conn, now - REJECTS_WINDOW)
    noisy = [source for source in by_source if source.ratio > threshold]
    rows = [[s.source, s.messages, s.rejects, f"{s.ratio:.1%}"] for s in by_source]
    return dg.AssetCheckResult(
        check_name="rejects_ratio",
        passed=not noisy,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "threshold": threshold,
            "sources_above_threshold": ", ".join(source.source for source in noisy) or "none",
            "rejects_without_source": event_health.rejects_without_source(conn, now - REJECTS_WINDOW),
            "by_source": _markdown_table(["source", "accepted", "rejected", "rejected share"], rows),
        },
    )


def freshness_check(conn: Connection, now: datetime) -> dg.AssetCheckResult:
    hours = quiet_hours()
    activity = event_health.active_sources(conn, now)
    silent = event_health.silent_sources(activity, now, timedelta(hours=hours))
    rows = [
        [
            a.source,
            a.last_received_at.isoformat(timespec="seconds"),
            f"{(now - a.last_received_at) / timedelta(hours=1):.1f}",
        ]
        for a in activity
    ]
    return dg.AssetCheckResult(
        check_name="active_sources_fresh",
        passed=not silent,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "quiet_hours_allowed": hours,
            "silent_sources": ", ".join(source.source for source in silent) or "none",
            "active_sources": _markdown_table(["source", "last received (UTC)", "hours ago"], rows),
        },
    )


def unique_ids_check(conn: Connection) -> dg.AssetCheckResult:
    duplicates = event_health.duplicate_message_ids(conn)
    return dg.AssetCheckResult(
        check_name="unique_message_ids",
        passed=duplicates == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"duplicate_rows": duplicates},
    )


def evaluate_checks(conn: Connection, now: datetime | None = None) -> list[dg.AssetCheckResult]:
    now = now or datetime.now(UTC).replace(tzinfo=None)
    return [rejects_ratio_check(conn, now), freshness_check(conn, now), unique_ids_check(conn)]
