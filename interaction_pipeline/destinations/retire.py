"""Retiring an (audience, destination) the models no longer declare: its remote list is emptied or deleted.

Taking an audience or a destination out of the YAML removes its sync asset, but the destination still holds
everyone it was sent. Nothing empties a list silently: `interaction-pipeline audiences list` shows such
orphaned state, and `interaction-pipeline audiences retire` deletes the list the product created (Meta custom
audience, Google user list) or sends every confirmed member as a removal (a list given by id, Braze, the
webhook, the file), then forgets the pair. Members whose removal failed stay confirmed; retiring again sends
the rest.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from interaction_pipeline.destinations.base import Destination
from interaction_pipeline.destinations.batches import BatchSender
from interaction_pipeline.destinations.outcome import SyncOutcome
from interaction_pipeline.destinations.plan import ActivationPlan
from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget, destination_of, state_key
from interaction_pipeline.destinations.sync_log import SyncLog
from interaction_pipeline.warehouse import sync_state
from interaction_pipeline.warehouse.engine import (
    MISSING_RELATION,
    Connection,
    batch_number,
    create_temp_table,
    replace_temp_table,
)
from interaction_pipeline.warehouse.sync_state import MEMBERSHIP_TABLE


@dataclass(frozen=True)
class Orphan:
    audience: str
    destination: str
    account: str  # empty for state kept before accounts were recorded
    confirmed: int


def orphans(conn: Connection, plan: ActivationPlan) -> list[Orphan]:
    """State the warehouse holds for pairs the models no longer declare, per account."""
    try:
        pairs = sync_state.synced_pairs(conn)
    except MISSING_RELATION:  # never synced
        return []
    declared = plan.declared()
    found = []
    for (audience, key), count in sorted(pairs.items()):
        destination, account = destination_of(key)
        if (audience, destination) not in declared:
            found.append(Orphan(audience, destination, account, count))
    return found


def retired_target(conn: Connection, orphan: Orphan) -> SyncTarget:
    """The pair as it was last synced, rebuilt from the warehouse (its model may be gone)."""
    audience, destination = orphan.audience, orphan.destination
    key = state_key(destination, orphan.account)
    record = sync_state.recorded_target(conn, audience, key)
    options = dict(record.get("options") or {})
    if destination == "braze" and "mode" not in options:
        # State from before targets were recorded: a blocklist holds addresses, /users/track objects.
        payload = conn.execute(
            f"select payload from {MEMBERSHIP_TABLE} where audience = ? and destination = ? "
            "and status = 'confirmed' limit 1",
            [audience, key],
        ).fetchall()
        options["mode"] = "subscription" if payload and payload[0][0].startswith("{") else "blocklist"
    spec = AudienceSpec(
        name=audience,
        model=f"aud_{audience}",
        relation="",
        purpose=record.get("purpose", "marketing"),
        identifiers=list(record.get("identifiers") or ["email"]),
        destinations={destination: options},
    )
    return SyncTarget(audience=spec, destination=destination, options=options, account=orphan.account)


def _stage_everyone_out(
    conn: Connection, target: SyncTarget, rows_per_batch: int, only: list[str] | None = None
) -> int:
    """`_removes`: every confirmed member of ``target`` (or those of ``only``), numbered into batches."""
    # A few members at most (one person forgotten): their keys go in as parameters, on either engine.
    chosen = "" if only is None else f"and member_key in ({', '.join(['?'] * len(only)) or 'null'})"
    replace_temp_table(
        conn,
        "_removes",
        f"""
        select member_key, fingerprint, payload, false as is_change,
               {batch_number("member_key", rows_per_batch)} as batch_seq
        from {MEMBERSHIP_TABLE} where audience = ? and destination = ? and status = 'confirmed' {chosen}
        """,
        [target.audience.name, target.state_key, *(only or [])],
    )
    create_temp_table(conn, "_rejected", {"member_key": "varchar"})
    return conn.execute("select count(*) from _removes").fetchall()[0][0]


def retire(conn: Connection, target: SyncTarget, destination: Destination) -> SyncOutcome:
    """Empty or delete ``target``'s remote list and forget it; the outcome says what was removed.
    ``destination`` must be a client of the account the state is kept for."""
    name = target.audience.name
    outcome = SyncOutcome(name, target.destination, uuid.uuid4().hex, destination.endpoint, dry_run=False)
    outcome.account = target.account
    log = SyncLog(conn, outcome.sync_id, name, target.destination)
    requests_before = destination.request_count()
    destination.prepare(conn, target, dry_run=True)
    confirmed = _stage_everyone_out(conn, target, destination.rows_per_batch(target))
    outcome.confirmed_before = outcome.to_remove = confirmed
    if destination.delete_remote_list(conn, target):
        outcome.removed = confirmed
    else:
        run = BatchSender(conn, target, destination, log, outcome)
        outcome.removed, _ = run.send_all("remove", "_removes")
    outcome.failed = confirmed - outcome.removed
    outcome.requests = destination.request_count() - requests_before
    if outcome.failed == 0:
        sync_state.forget_target(conn, name, target.state_key)
    status = "retired" if outcome.failed == 0 else "partial"
    log.write("sync", status, action="retire", detail=outcome.metadata())
    return outcome


def remove_members(
    conn: Connection, target: SyncTarget, destination: Destination, member_keys: list[str]
) -> SyncOutcome:
    """Send removals of ``member_keys`` (a person forgotten) to ``target``'s destination; what it accepted is
    no longer confirmed. ``destination`` must be a client of the account the state is kept for."""
    outcome = SyncOutcome(
        target.audience.name, target.destination, uuid.uuid4().hex, destination.endpoint, dry_run=False
    )
    outcome.account = target.account
    log = SyncLog(conn, outcome.sync_id, target.audience.name, target.destination)
    destination.prepare(conn, target, dry_run=True)
    outcome.to_remove = _stage_everyone_out(conn, target, destination.rows_per_batch(target), member_keys)
    outcome.removed, _ = BatchSender(conn, target, destination, log, outcome).send_all("remove", "_removes")
    outcome.failed = outcome.to_remove - outcome.removed
    log.write(
        "sync", "completed" if not outcome.failed else "partial", action="forget", detail=outcome.metadata()
    )
    return outcome
