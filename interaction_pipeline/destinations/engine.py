"""The sync engine: diff an audience against confirmed membership, guard, send in batches, confirm.

One call syncs one (audience, destination). Suppressed members of a marketing audience are left out first
(and counted). Removals go first (an identifier change must take the old value out before the new one goes
in), then additions. Each accepted batch updates the confirmed state at once (or at the end for destinations
that confirm on close), so a failure halfway leaves exactly the accepted part confirmed and the rest is sent
again next run. A run with nothing to change sends nothing; at most once an hour it reads the destination to
check it still holds what it confirmed (`verify.py`), and re-sends everyone when it does not (`refresh.py`).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import orjson

from interaction_pipeline.destinations import diff, guards, outgoing, verify
from interaction_pipeline.destinations.account import new_account_note
from interaction_pipeline.destinations.base import DeliveryError, Destination, RemoteListMissing
from interaction_pipeline.destinations.batches import BatchSender
from interaction_pipeline.destinations.outcome import SyncOutcome
from interaction_pipeline.destinations.refresh import refresh_all
from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget
from interaction_pipeline.destinations.suppression import exclude_suppressed
from interaction_pipeline.destinations.sync_log import SyncLog
from interaction_pipeline.warehouse import sync_state
from interaction_pipeline.warehouse.engine import Connection, create_temp_table, execute_count, upsert_sql
from interaction_pipeline.warehouse.sync_state import (
    MEMBERSHIP_COLUMNS,
    MEMBERSHIP_KEY,
    MEMBERSHIP_TABLE,
    utc_now,
)

# Renew an expiring membership this long before it lapses (at most half its lifespan before).
RENEWAL_MARGIN_DAYS = 30


def _record_invalid_and_refreshed(run: BatchSender) -> None:
    conn, name, dest = run.conn, run.target.audience.name, run.target.state_key
    conn.execute(
        upsert_sql(
            MEMBERSHIP_TABLE,
            MEMBERSHIP_COLUMNS.split(", "),
            MEMBERSHIP_KEY,
            "select ?, ?, member_key, fingerprint, null, 'invalid', ?, ?, unmatched "
            "from _outgoing where payload = 'null'",
        ),
        [name, dest, utc_now(), run.log.sync_id],
    )
    conn.execute(
        f"""
        update {MEMBERSHIP_TABLE} set fingerprint = r.fingerprint from _refreshed r
        where audience = ? and destination = ? and {MEMBERSHIP_TABLE}.member_key = r.member_key
        """,
        [name, dest],
    )
    conn.execute(
        f"""
        delete from {MEMBERSHIP_TABLE} where audience = ? and destination = ? and status = 'invalid'
        and member_key not in (select member_key from _aud)
        """,
        [name, dest],
    )


def _samples(conn: Connection, table: str, size: int) -> list[Any]:
    rows = conn.execute(
        f"select member_key, payload from {table} order by member_key limit {size}"
    ).fetchall()
    return [{"member_key": key, "payload": orjson.loads(payload)} for key, payload in rows]


def _renew_before(target: SyncTarget, destination: Destination) -> datetime | None:
    """Members last uploaded before this are uploaded again (for destinations whose memberships expire)."""
    days = destination.membership_days(target)
    if not days:
        return None
    return utc_now() - timedelta(days=days - min(RENEWAL_MARGIN_DAYS, days // 2))


def _apply_guards(
    conn: Connection,
    target: SyncTarget,
    outcome: SyncOutcome,
    suppressions: list[AudienceSpec],
    allow_large_removal: bool,
) -> diff.DiffCounts:
    """Leave suppressed members out, diff, and set the guards' verdicts on ``outcome``."""
    diff.stage_audience(conn, target.audience, diff.target_salt(target))
    overlap = exclude_suppressed(conn, suppressions)
    counts = diff.stage_diff(conn, target)
    outcome.members, outcome.confirmed_before = counts.members, counts.confirmed
    outcome.suppressed = overlap.suppressed
    removal = guards.removal_problem(target, counts, allow_large_removal=allow_large_removal)
    outcome.guards = {
        "min_size": guards.size_problem(target, counts),
        "max_removal_share": removal,
        "suppression_overlap": guards.suppression_problem(target.audience, suppressions, overlap),
    }
    blocking = dict(outcome.guards)
    create_temp_table(conn, "_held", {"member_key": "varchar"})
    if removal and target.audience.purpose == "suppression":
        # Suppressing more is always safe: new members still go out, only the leavers wait.
        blocking["max_removal_share"] = None
        outcome.guards["max_removal_share"] = f"{removal}; removals held back, additions sent"
        conn.execute("insert into _held select member_key from _exiting where not is_change")
    outcome.blocked = "; ".join(reason for reason in blocking.values() if reason) or None
    note = guards.platform_note(target, counts)
    outcome.notes += [note] if note else []
    return counts


def _deliver(run: BatchSender, full_refresh: bool) -> bool:
    """Send removals, then additions (or everyone). False when the destination could not be prepared (its
    list could not be found or created): nothing was sent and the sync log says why."""
    outcome, destination = run.outcome, run.destination
    if outcome.to_add or outcome.renewed or outcome.to_remove or full_refresh:
        try:
            destination.prepare(run.conn, run.target, dry_run=False)
        except RemoteListMissing:
            raise
        except DeliveryError as error:
            outcome.failed = outcome.to_add + outcome.renewed + outcome.to_remove
            run.log.retries("prepare", 0, error.retries)
            run.log.write("sync", "failed", action="prepare", reason=error.reason, detail=outcome.metadata())
            return False
    if full_refresh:
        refresh_all(run)
    else:
        planned = outcome.to_add + outcome.renewed + outcome.to_remove
        outcome.removed, failed_removes = run.send_all("remove", "_removes")
        run.hold_changed_adds(failed_removes)
        confirmed, _ = run.send_all("add", "_adds")
        outcome.renewed = run.confirmed_now("_renewing")
        outcome.added = confirmed - outcome.renewed
        outcome.failed = planned - confirmed - outcome.removed
    return True


def _stage_outgoing(run: BatchSender) -> None:
    conn, target, destination, outcome = run.conn, run.target, run.destination, run.outcome
    outgoing.stage_payloads(conn, target)
    renewing = outgoing.stage_renewals(conn, target, _renew_before(target, destination))
    adds, removes = outgoing.number_batches(
        conn,
        destination.rows_per_batch(target),
        updates_in_place=getattr(destination, "updates_in_place", False),
    )
    removes -= execute_count(conn, "delete from _removes where member_key in (select member_key from _held)")
    outcome.to_add, outcome.to_remove, outcome.renewed = adds - renewing, removes, renewing
    outcome.unmatched_reasons = outgoing.unmatched_counts(conn, target)
    outcome.unmatched = sum(outcome.unmatched_reasons.values())


def sync_target(
    conn: Connection,
    target: SyncTarget,
    destination: Destination,
    *,
    suppressions: list[AudienceSpec] | None = None,
    dry_run: bool = False,
    full_refresh: bool = False,
    allow_large_removal: bool = False,
    verify_remote: bool | None = None,
    sample_size: int = 5,
    healing: bool = False,
) -> SyncOutcome:
    """Sync ``target``. ``verify_remote``: check the destination still holds what it confirmed (None: when
    the last check is older than an hour); ``full_refresh``: send every member again."""
    target = replace(target, account=destination.account)
    name = target.audience.name
    outcome = SyncOutcome(name, target.destination, uuid.uuid4().hex, destination.endpoint, dry_run)
    outcome.account = destination.account
    outcome.notes += filter(None, [new_account_note(conn, target)])
    log = SyncLog(conn, outcome.sync_id, name, target.destination, enabled=not dry_run)
    if not dry_run:
        sync_state.ensure_sync_tables(conn)
        sync_state.record_target(
            conn, name, target.state_key, target.audience.purpose, target.audience.identifiers,
            target.options, verified=False,
        )  # fmt: skip
    counts = _apply_guards(conn, target, outcome, suppressions or [], allow_large_removal)
    if outcome.blocked and not dry_run:  # a preview still shows what the sync would change
        outcome.remote_id, outcome.remote_url = destination.remote_list(conn, target)
        log.write("sync", "blocked", reason=outcome.blocked, detail=outcome.metadata())
        return outcome

    run = BatchSender(conn, target, destination, log, outcome)
    requests_before = destination.request_count()
    check = not dry_run and counts.confirmed > 0
    check = check and (verify_remote or (verify_remote is None and verify.due(conn, target)))
    checked = False
    try:
        if check:
            checked, outcome.drift = verify.lost_membership(conn, target, destination, log)
        outcome.full_refresh = full_refresh or outcome.drift is not None
        _stage_outgoing(run)
        outcome.sample_adds = _samples(conn, "_adds", sample_size)
        outcome.sample_removes = _samples(conn, "_removes", sample_size)
        if dry_run:
            outcome.remote_id, outcome.remote_url = destination.remote_list(conn, target)
            return outcome
        log.rows_from(
            "select member_key, unmatched as reason from _outgoing where payload = 'null'", "invalid", "add"
        )
        log.rows_from(
            "select member_key, problems as reason from _outgoing "
            "where payload <> 'null' and problems is not null",
            "identifier_dropped",
            "add",
        )
        create_temp_table(conn, "_rejected", {"member_key": "varchar"})
        delivered = _deliver(run, outcome.full_refresh)
    except RemoteListMissing as error:
        sync_state.forget_destination(conn, name, target.state_key)
        reason = f"{error.reason}; its confirmed state was cleared and everyone is sent to a new list"
        log.write("sync", "failed", reason=reason, detail=outcome.metadata())
        if healing:
            raise
        return sync_target(
            conn, target, destination, suppressions=suppressions, allow_large_removal=True,
            sample_size=sample_size, healing=True,
        )  # fmt: skip
    outcome.requests = destination.request_count() - requests_before
    outcome.remote_id, outcome.remote_url = destination.remote_list(conn, target)
    if not delivered:
        return outcome
    _record_invalid_and_refreshed(run)
    if outcome.failed == 0 and (checked or outcome.full_refresh or counts.confirmed == 0):
        sync_state.mark_verified(conn, name, target.state_key)
    log.write("sync", "completed" if outcome.failed == 0 else "partial", detail=outcome.metadata())
    return outcome
