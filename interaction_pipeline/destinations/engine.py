"""The sync engine: diff an audience against confirmed membership, guard, send in batches, confirm.

One call syncs one (audience, destination). Removals go first (an identifier change must take the old value
out before the new one goes in), then additions. Each accepted batch updates the confirmed state at once (or
at the end for destinations that confirm on close), so a failure halfway leaves exactly the accepted part
confirmed and the rest is sent again next run. A run with nothing to change makes no request at all.
"""

from __future__ import annotations

import uuid
from typing import Any

import duckdb
import orjson

from interaction_pipeline.destinations import diff, guards
from interaction_pipeline.destinations.base import DeliveryError, Destination, RemoteListMissing
from interaction_pipeline.destinations.batches import BatchSender
from interaction_pipeline.destinations.outcome import SyncOutcome
from interaction_pipeline.destinations.replace import replace_all
from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget
from interaction_pipeline.destinations.sync_log import SyncLog
from interaction_pipeline.warehouse.sync_state import (
    MEMBERSHIP_TABLE,
    ensure_sync_tables,
    forget_destination,
    utc_now,
)


def _fail_changed_adds(conn: duckdb.DuckDBPyConnection, failed_remove_batches: list[int]) -> None:
    """A member whose old identifiers could not be removed keeps them confirmed; its new row waits."""
    if failed_remove_batches:
        seqs = ",".join(map(str, failed_remove_batches))
        conn.execute(
            f"delete from _adds where is_change and member_key in "
            f"(select member_key from _removes where batch_seq in ({seqs}))"
        )


def _record_invalid_and_refreshed(run: BatchSender) -> None:
    conn, name, dest = run.conn, run.target.audience.name, run.target.destination
    conn.execute(
        f"""
        insert or replace into {MEMBERSHIP_TABLE}
        select ?, ?, member_key, fingerprint, null, 'invalid', ?, ? from _outgoing where payload = 'null'
        """,
        [name, dest, utc_now(), run.log.sync_id],
    )
    conn.execute(
        f"""
        update {MEMBERSHIP_TABLE} m set fingerprint = r.fingerprint from _refreshed r
        where m.audience = ? and m.destination = ? and m.member_key = r.member_key
        """,
        [name, dest],
    )
    if conn.execute("select count(*) from _state where status = 'invalid'").fetchall()[0][0]:
        conn.execute(
            f"""
            delete from {MEMBERSHIP_TABLE} where audience = ? and destination = ? and status = 'invalid'
            and member_key not in (select member_key from _aud)
            """,
            [name, dest],
        )


def _samples(conn: duckdb.DuckDBPyConnection, table: str, size: int) -> list[Any]:
    rows = conn.execute(
        f"select member_key, payload from {table} order by member_key limit {size}"
    ).fetchall()
    return [{"member_key": key, "payload": orjson.loads(payload)} for key, payload in rows]


def _deliver(run: BatchSender, full_replace: bool) -> bool:
    """Send removals, then additions (or one full replace). False when the destination could not be
    prepared (its list could not be found or created): nothing was sent and the sync log says why."""
    outcome, destination = run.outcome, run.destination
    if outcome.to_add or outcome.to_remove or full_replace:
        try:
            destination.prepare(run.conn, run.target, dry_run=False)
        except RemoteListMissing:
            raise
        except DeliveryError as error:
            outcome.failed = outcome.to_add + outcome.to_remove
            run.log.retries("prepare", 0, error.retries)
            run.log.write("sync", "failed", action="prepare", reason=error.reason, detail=outcome.metadata())
            return False
    if full_replace and destination.supports_replace:
        replace_all(run)
    else:
        outcome.removed, failed_removes = run.send_all("remove", "_removes")
        _fail_changed_adds(run.conn, failed_removes)
        outcome.added, _ = run.send_all("add", "_adds")
        outcome.failed = outcome.to_add + outcome.to_remove - outcome.added - outcome.removed
    return True


def sync_target(
    conn: duckdb.DuckDBPyConnection,
    target: SyncTarget,
    destination: Destination,
    *,
    suppressions: list[AudienceSpec] | None = None,
    dry_run: bool = False,
    full_replace: bool = False,
    allow_large_removal: bool = False,
    sample_size: int = 5,
    healing: bool = False,
) -> SyncOutcome:
    if not dry_run:
        ensure_sync_tables(conn)
    outcome = SyncOutcome(
        audience=target.audience.name,
        destination=target.destination,
        sync_id=uuid.uuid4().hex,
        endpoint=destination.endpoint,
        dry_run=dry_run,
    )
    log = SyncLog(conn, outcome.sync_id, target.audience.name, target.destination, enabled=not dry_run)
    counts = diff.stage_diff(conn, target)
    outcome.members, outcome.confirmed_before = counts.members, counts.confirmed
    outcome.guards = {
        "min_size": guards.size_problem(target, counts),
        "max_removal_share": guards.removal_problem(
            target, counts, allow_large_removal=allow_large_removal or full_replace
        ),
        "no_suppressed_members": guards.suppression_problem(conn, target.audience, suppressions or []),
    }
    outcome.blocked = "; ".join(reason for reason in outcome.guards.values() if reason) or None
    if outcome.blocked and not dry_run:  # a preview still shows what the sync would change
        log.write("sync", "blocked", reason=outcome.blocked, detail=outcome.metadata())
        return outcome

    diff.stage_payloads(conn, target)
    outcome.to_add, outcome.to_remove = diff.number_batches(
        conn,
        destination.rows_per_batch(target),
        updates_in_place=getattr(destination, "updates_in_place", False),
    )
    outcome.invalid = conn.execute("select count(*) from _outgoing where payload = 'null'").fetchall()[0][0]
    outcome.refreshed = conn.execute("select count(*) from _refreshed").fetchall()[0][0]
    if dry_run:
        outcome.sample_adds = _samples(conn, "_adds", sample_size)
        outcome.sample_removes = _samples(conn, "_removes", sample_size)
        return outcome

    log.rows_from(
        "select member_key, problems as reason from _outgoing where payload = 'null'", "invalid", "add"
    )
    log.rows_from(
        "select member_key, problems as reason from _outgoing "
        "where payload <> 'null' and problems is not null",
        "identifier_dropped",
        "add",
    )
    conn.execute("create or replace temp table _rejected (member_key varchar)")
    run = BatchSender(conn, target, destination, log, outcome)
    requests_before = destination.request_count()
    try:
        delivered = _deliver(run, full_replace)
    except RemoteListMissing as error:
        forget_destination(conn, target.audience.name, target.destination)
        reason = f"{error.reason}; its confirmed state was cleared and everyone is sent to a new list"
        log.write("sync", "failed", reason=reason, detail=outcome.metadata())
        if healing:
            raise
        return sync_target(
            conn,
            target,
            destination,
            suppressions=suppressions,
            full_replace=full_replace,
            allow_large_removal=True,
            sample_size=sample_size,
            healing=True,
        )
    outcome.requests = destination.request_count() - requests_before
    if not delivered:
        return outcome
    _record_invalid_and_refreshed(run)
    log.write("sync", "completed" if outcome.failed == 0 else "partial", detail=outcome.metadata())
    return outcome
