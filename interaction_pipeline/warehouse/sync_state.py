"""Audience sync state: what each destination has confirmed, the remote list ids, and a row-level log.

State is kept per destination account: in the membership, remote-list and target tables ``destination`` is
the state key ``<destination>@<account>`` (``meta@graph.facebook.com/act_123``, `destinations/spec.py`), so a
destination pointed at another account starts from nothing confirmed and the first account's rows stay as
they were. The sync log keeps the destination's name and puts the account in each summary's ``detail``.

- ``pipeline.audience_membership``: one row per (audience, destination, member_key) the destination accepted
  (``status = 'confirmed'``), or a member whose identifiers could not be sent (``status = 'invalid'``, kept so
  the same bad row is not resent every run; ``reason`` says why, and every sync counts them again).
  ``fingerprint`` is a digest of the member's raw identifier columns: a change in them makes the member
  differ from what was sent. ``payload`` is exactly what the destination received (hashed for ad platforms),
  which is what a later removal must send. ``confirmed_at`` is when the destination last accepted it, which
  is when a membership that expires (Google Customer Match) was last renewed.
- ``pipeline.audience_remote_lists``: the destination-side id (Meta custom audience id, Google user list
  resource name) created for an audience.
- ``pipeline.audience_targets``: how each (audience, destination) was last synced (purpose, identifiers,
  options) and when its remote state was last verified. It outlives the audience's YAML, so a destination
  removed from the models can still be emptied (``interaction-pipeline audiences retire``).
- ``pipeline.audience_sync_log``: what every sync did. ``level`` is ``sync`` (one summary per run, or the
  reason a guard blocked it), ``batch`` (one per request: accepted, retried, failed, with the vendor's counts
  in ``detail``) or ``row`` (one per member that was invalid or rejected, with the reason).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from interaction_pipeline.warehouse.engine import Connection

MEMBERSHIP_TABLE = "pipeline.audience_membership"
REMOTE_LISTS_TABLE = "pipeline.audience_remote_lists"
TARGETS_TABLE = "pipeline.audience_targets"
SYNC_LOG_TABLE = "pipeline.audience_sync_log"

MEMBERSHIP_DDL = f"""
create table if not exists {MEMBERSHIP_TABLE} (
    audience varchar not null,
    destination varchar not null,
    member_key varchar not null,
    fingerprint varchar not null,
    payload varchar,
    status varchar not null,
    confirmed_at timestamp not null,
    sync_id varchar not null,
    reason varchar,
    primary key (audience, destination, member_key)
)
"""
# Warehouses synced before members carried a reason.
MEMBERSHIP_MIGRATION = f"alter table {MEMBERSHIP_TABLE} add column if not exists reason varchar"
MEMBERSHIP_KEY = ("audience", "destination", "member_key")
MEMBERSHIP_COLUMNS = (
    "audience, destination, member_key, fingerprint, payload, status, confirmed_at, sync_id, reason"
)

TARGETS_DDL = f"""
create table if not exists {TARGETS_TABLE} (
    audience varchar not null,
    destination varchar not null,
    purpose varchar not null,
    identifiers json not null,
    options json not null,
    synced_at timestamp not null,
    verified_at timestamp,
    primary key (audience, destination)
)
"""

REMOTE_LISTS_DDL = f"""
create table if not exists {REMOTE_LISTS_TABLE} (
    audience varchar not null,
    destination varchar not null,
    remote_id varchar not null,
    created_at timestamp not null,
    primary key (audience, destination)
)
"""

SYNC_LOG_DDL = f"""
create table if not exists {SYNC_LOG_TABLE} (
    sync_id varchar not null,
    logged_at timestamp not null,
    audience varchar not null,
    destination varchar not null,
    level varchar not null,
    action varchar,
    status varchar not null,
    batch_seq integer,
    rows bigint,
    member_key varchar,
    reason varchar,
    detail json
)
"""


def utc_now() -> datetime:
    """Warehouse timestamps are naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def ensure_sync_tables(conn: Connection) -> None:
    conn.execute("create schema if not exists pipeline")
    for ddl in (MEMBERSHIP_DDL, MEMBERSHIP_MIGRATION, REMOTE_LISTS_DDL, TARGETS_DDL, SYNC_LOG_DDL):
        conn.execute(ddl)


def remote_list_id(conn: Connection, audience: str, destination: str) -> str | None:
    rows = conn.execute(
        f"select remote_id from {REMOTE_LISTS_TABLE} where audience = ? and destination = ?",
        [audience, destination],
    ).fetchall()
    return rows[0][0] if rows else None


def save_remote_list_id(conn: Connection, audience: str, destination: str, remote_id: str) -> None:
    conn.execute(
        f"insert into {REMOTE_LISTS_TABLE} values (?, ?, ?, ?) on conflict (audience, destination) "
        "do update set remote_id = excluded.remote_id, created_at = excluded.created_at",
        [audience, destination, remote_id, utc_now()],
    )


def forget_destination(conn: Connection, audience: str, destination: str) -> None:
    """The destination lost the list: nothing it confirmed holds any more, and its remote id is stale."""
    for table in (MEMBERSHIP_TABLE, REMOTE_LISTS_TABLE):
        conn.execute(f"delete from {table} where audience = ? and destination = ?", [audience, destination])


def forget_membership(conn: Connection, audience: str, destination: str) -> None:
    """The destination lost its members but kept the list: nothing it confirmed holds any more."""
    conn.execute(
        f"delete from {MEMBERSHIP_TABLE} where audience = ? and destination = ? and status = 'confirmed'",
        [audience, destination],
    )


def forget_target(conn: Connection, audience: str, destination: str) -> None:
    """Everything the warehouse knows about a retired (audience, destination)."""
    for table in (MEMBERSHIP_TABLE, REMOTE_LISTS_TABLE, TARGETS_TABLE):
        conn.execute(f"delete from {table} where audience = ? and destination = ?", [audience, destination])


def record_target(
    conn: Connection,
    audience: str,
    destination: str,
    purpose: str,
    identifiers: list[str],
    options: dict[str, Any],
    *,
    verified: bool,
) -> None:
    """Remember how the pair was synced; ``verified`` when the remote state is known to match now."""
    conn.execute(
        f"""
        insert into {TARGETS_TABLE} values (?, ?, ?, ?, ?, ?, ?)
        on conflict (audience, destination) do update set
            purpose = excluded.purpose, identifiers = excluded.identifiers, options = excluded.options,
            synced_at = excluded.synced_at,
            verified_at = coalesce(excluded.verified_at, {TARGETS_TABLE}.verified_at)
        """,
        [
            audience,
            destination,
            purpose,
            orjson.dumps(identifiers).decode(),
            orjson.dumps(options).decode(),
            utc_now(),
            utc_now() if verified else None,
        ],
    )


def recorded_target(conn: Connection, audience: str, destination: str) -> dict[str, Any]:
    """Purpose, identifiers, options and verified_at as last synced; empty if never recorded."""
    rows = conn.execute(
        f"select purpose, identifiers, options, verified_at from {TARGETS_TABLE} "
        "where audience = ? and destination = ?",
        [audience, destination],
    ).fetchall()
    if not rows:
        return {}
    purpose, identifiers, options, verified = rows[0]
    return {
        "purpose": purpose,
        "identifiers": orjson.loads(identifiers),
        "options": orjson.loads(options),
        "verified_at": verified,
    }


def synced_pairs(conn: Connection) -> dict[tuple[str, str], int]:
    """Every (audience, destination) the warehouse holds state for, with its confirmed member count."""
    rows = conn.execute(
        f"""
        select audience, destination, count(*) filter (where status = 'confirmed')
        from (
            select audience, destination, status from {MEMBERSHIP_TABLE}
            union all select audience, destination, null from {REMOTE_LISTS_TABLE}
            union all select audience, destination, null from {TARGETS_TABLE}
        ) pairs
        group by audience, destination
        """
    ).fetchall()
    return {(audience, destination): confirmed for audience, destination, confirmed in rows}


def mark_verified(conn: Connection, audience: str, destination: str) -> None:
    """The destination is known to hold what it confirmed as of now."""
    conn.execute(
        f"update {TARGETS_TABLE} set verified_at = ? where audience = ? and destination = ?",
        [utc_now(), audience, destination],
    )
