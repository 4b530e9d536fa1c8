"""Health of the event intake, read from the warehouse: rejects per source, silent sources, duplicate ids.

A partner tool whose write key broke keeps failing quietly on its side (Braze disables a Currents connector
only after 5 days of errors), so the signal here is a source that was sending and went quiet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from interaction_pipeline.warehouse.engine import Connection
from interaction_pipeline.warehouse.schema import MESSAGES_TABLE, REJECTS_TABLE, ensure_event_tables

ACTIVE_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class SourceRejects:
    source: str
    messages: int
    rejects: int

    @property
    def ratio(self) -> float:
        total = self.messages + self.rejects
        return self.rejects / total if total else 0.0


@dataclass(frozen=True)
class SourceActivity:
    source: str
    last_received_at: datetime
    messages_last_7_days: int


def rejects_by_source(conn: Connection, since: datetime) -> list[SourceRejects]:
    """Accepted and rejected messages per known source received since `since` (UTC, naive)."""
    ensure_event_tables(conn)
    rows = conn.execute(
        f"""
        with accepted as (
            select source_name, count(*) as messages from {MESSAGES_TABLE}
            where received_at >= ? and source_name is not null group by source_name
        ),
        rejected as (
            select source_name, count(*) as rejects from {REJECTS_TABLE}
            where received_at >= ? and source_name is not null group by source_name
        )
        select source_name, coalesce(messages, 0), coalesce(rejects, 0)
        from accepted full outer join rejected using (source_name)
        order by source_name
        """,
        [since, since],
    ).fetchall()
    return [SourceRejects(*row) for row in rows]


def rejects_without_source(conn: Connection, since: datetime) -> int:
    """Rejects that could not be tied to a source (unknown or missing write key)."""
    ensure_event_tables(conn)
    query = f"select count(*) from {REJECTS_TABLE} where received_at >= ? and source_name is null"
    return conn.execute(query, [since]).fetchone()[0]


def active_sources(conn: Connection, now: datetime) -> list[SourceActivity]:
    """Sources that sent at least one message in the last 7 days, with their latest arrival."""
    ensure_event_tables(conn)
    rows = conn.execute(
        f"""
        select source_name, max(received_at), count(*)
        from {MESSAGES_TABLE}
        where received_at >= ? and source_name is not null
        group by source_name order by source_name
        """,
        [now - ACTIVE_WINDOW],
    ).fetchall()
    return [SourceActivity(*row) for row in rows]


def silent_sources(
    activity: list[SourceActivity], now: datetime, quiet_for: timedelta
) -> list[SourceActivity]:
    """Active sources whose last message is older than `quiet_for`."""
    return [source for source in activity if now - source.last_received_at > quiet_for]


def duplicate_message_ids(conn: Connection) -> int:
    """Rows beyond the first per message_id (the primary key should keep this at zero)."""
    ensure_event_tables(conn)
    return conn.execute(f"select count(*) - count(distinct message_id) from {MESSAGES_TABLE}").fetchone()[0]
