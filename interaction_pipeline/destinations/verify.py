"""Checking that a destination still holds what it confirmed, by the cheapest read each one allows.

A list deleted or emptied by someone, a Braze workspace or a webhook receiver that lost its data: the sync
state would still say everyone is there, and no diff would ever send them again. So at most once per
`VERIFY_EVERY` (and on demand) a sync asks the destination (see each client's `verify_remote`); a lost list
is recreated, a lost membership is sent again in full. A check that cannot be made (the destination is down)
is logged and leaves the sync as it was.
"""

from __future__ import annotations

from datetime import timedelta

import orjson

from interaction_pipeline.destinations.base import Confirmed, DeliveryError, Destination, RemoteListMissing
from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.destinations.sync_log import SyncLog
from interaction_pipeline.warehouse import sync_state
from interaction_pipeline.warehouse.engine import Connection
from interaction_pipeline.warehouse.sync_state import MEMBERSHIP_TABLE, utc_now

VERIFY_EVERY = timedelta(hours=1)
SAMPLE_SIZE = 5


def confirmed_state(conn: Connection, target: SyncTarget) -> Confirmed:
    params = [target.audience.name, target.state_key]
    count, last = conn.execute(
        f"select count(*), max(confirmed_at) from {MEMBERSHIP_TABLE} "
        "where audience = ? and destination = ? and status = 'confirmed'",
        params,
    ).fetchall()[0]
    sample = conn.execute(
        f"select payload from {MEMBERSHIP_TABLE} where audience = ? and destination = ? "
        f"and status = 'confirmed' order by random() limit {SAMPLE_SIZE}",
        params,
    ).fetchall()
    return Confirmed(count, last, [orjson.loads(payload) for (payload,) in sample])


def due(conn: Connection, target: SyncTarget) -> bool:
    verified = sync_state.recorded_target(conn, target.audience.name, target.state_key).get("verified_at")
    return verified is None or utc_now() - verified >= VERIFY_EVERY


def lost_membership(
    conn: Connection, target: SyncTarget, destination: Destination, log: SyncLog
) -> tuple[bool, str | None]:
    """(whether the destination could be checked, why it no longer holds its confirmed members or None).
    Raises `RemoteListMissing` when its list is gone."""
    confirmed = confirmed_state(conn, target)
    if not confirmed.count:
        return True, None
    try:
        destination.prepare(conn, target, dry_run=True)
        lost = destination.verify_remote(target, confirmed)
    except RemoteListMissing:
        raise
    except DeliveryError as error:
        log.retries("verify", 0, error.retries)
        log.write(
            "batch", "failed", action="verify", reason=f"could not check the destination: {error.reason}"
        )
        return False, None
    if lost:
        log.write("sync", "drift", action="verify", rows=confirmed.count, reason=lost)
    return True, lost
