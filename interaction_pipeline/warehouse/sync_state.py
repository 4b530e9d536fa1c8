"""Audience sync state: what each destination has confirmed, the remote list ids, and a row-level log.

- ``pipeline.audience_membership``: one row per (audience, destination, member_key) the destination accepted
  (``status = 'confirmed'``), or a member whose identifiers could not be sent (``status = 'invalid'``, kept so
  the same bad row is reported once, not resent every run). ``fingerprint`` is a digest of the member's raw
  identifier columns: a change in them makes the member differ from what was sent. ``payload`` is exactly
  what the destination received (hashed for ad platforms), which is what a later removal must send.
- ``pipeline.audience_remote_lists``: the destination-side id (Meta custom audience id, Google user list
  resource name) created for an audience.
- ``pipeline.audience_sync_log``: what every sync did. ``level`` is ``sync`` (one summary per run, or the
  reason a guard blocked it), ``batch`` (one per request: accepted, retried, failed, with the vendor's counts
  in ``detail``) or ``row`` (one per member that was invalid or rejected, with the reason).
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

MEMBERSHIP_TABLE = "pipeline.audience_membership"
REMOTE_LISTS_TABLE = "pipeline.audience_remote_lists"
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
    primary key (audience, destination, member_key)
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


def ensure_sync_tables(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("create schema if not exists pipeline")
    for ddl in (MEMBERSHIP_DDL, REMOTE_LISTS_DDL, SYNC_LOG_DDL):
        conn.execute(ddl)


def remote_list_id(conn: duckdb.DuckDBPyConnection, audience: str, destination: str) -> str | None:
    rows = conn.execute(
        f"select remote_id from {REMOTE_LISTS_TABLE} where audience = ? and destination = ?",
        [audience, destination],
    ).fetchall()
    return rows[0][0] if rows else None


def save_remote_list_id(
    conn: duckdb.DuckDBPyConnection, audience: str, destination: str, remote_id: str
) -> None:
    conn.execute(
        f"insert or replace into {REMOTE_LISTS_TABLE} values (?, ?, ?, ?)",
        [audience, destination, remote_id, utc_now()],
    )


def forget_destination(conn: duckdb.DuckDBPyConnection, audience: str, destination: str) -> None:
    """The destination lost the list: nothing it confirmed holds any more, and its remote id is stale."""
    for table in (MEMBERSHIP_TABLE, REMOTE_LISTS_TABLE):
        conn.execute(f"delete from {table} where audience = ? and destination = ?", [audience, destination])
