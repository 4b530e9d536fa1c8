"""The sync history: one row per sync run, read from the `sync` summaries of `pipeline.audience_sync_log`.

A run writes one summary when it ends (`completed`, `partial`, `blocked`, `failed`, `retired`), with its
figures in `detail`, and a `drift` entry before it when the destination had lost what it confirmed; the
history shows the summary and says why a run resent everyone. `audiences history`, the static report and
the demo read it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from interaction_pipeline.warehouse.engine import MISSING_RELATION, Connection
from interaction_pipeline.warehouse.sync_state import SYNC_LOG_TABLE

RUN_QUERY = f"""
with summaries as (
    select *,
        row_number() over (partition by sync_id order by status = 'drift', logged_at desc) as newest,
        max(case when status = 'drift' then reason end) over (partition by sync_id) as drift
    from {SYNC_LOG_TABLE}
    where level = 'sync' and (? is null or audience = ?)
)
select logged_at, audience, destination, status,
    detail ->> 'account', detail ->> 'remote_id',
    cast(detail ->> 'members' as bigint), cast(detail ->> 'added' as bigint),
    cast(detail ->> 'removed' as bigint), cast(detail ->> 'failed' as bigint),
    cast(detail ->> 'unmatched' as bigint), coalesce(reason, drift), sync_id
from summaries
where newest = 1
order by logged_at desc
limit ?
"""


@dataclass(frozen=True)
class SyncRun:
    logged_at: datetime
    audience: str
    destination: str
    status: str
    account: str | None
    remote_id: str | None
    members: int | None
    added: int | None
    removed: int | None
    failed: int | None
    unmatched: int | None
    reason: str | None  # why it was blocked or failed, or why the destination was sent everyone again
    sync_id: str


def sync_runs(conn: Connection, audience: str | None = None, limit: int = 50) -> list[SyncRun]:
    """The newest sync runs (of ``audience``, or of every audience), newest first; none before any sync."""
    try:
        rows = conn.execute(RUN_QUERY, [audience, audience, limit]).fetchall()
    except MISSING_RELATION:
        return []
    return [SyncRun(*row) for row in rows]
