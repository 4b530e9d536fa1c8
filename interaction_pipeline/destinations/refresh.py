"""Full refresh: send every current member again, after the removals, and confirm exactly what went through.

Used when asked (`--full-refresh`, run config or tag) and when a destination is found to have lost what it
confirmed. Destinations that can replace their whole list in one go do (Meta `usersreplace`, one session; the
file destination writes `members.<fmt>`); the others get the removals and then everyone as additions, which
every destination takes as a no-op for members it already holds (and which renews Customer Match
memberships). Members already confirmed are marked as restated (`is_change`), so the webhook sends them an
`identify` only, not a second "Audience Entered".
"""

from __future__ import annotations

from interaction_pipeline.destinations.batches import BatchSender
from interaction_pipeline.warehouse.engine import batch_number, replace_temp_table
from interaction_pipeline.warehouse.sync_state import MEMBERSHIP_TABLE


def _stage_everyone(run: BatchSender) -> int:
    """`_everyone`: confirmed members still in the audience and unchanged in what they send (and leavers
    whose removal is held back), plus `_adds`."""
    rows_per_batch = run.destination.rows_per_batch(run.target)
    batch_seq = batch_number("member_key", rows_per_batch)
    replace_temp_table(
        run.conn,
        "_everyone",
        f"""
        select member_key, fingerprint, payload, is_change, {batch_seq} as batch_seq
        from (
            select m.member_key, coalesce(a.fingerprint, m.fingerprint) as fingerprint, m.payload,
                   true as is_change
            from {MEMBERSHIP_TABLE} m left join _aud a using (member_key)
            where m.audience = ? and m.destination = ? and m.status = 'confirmed'
              and (a.member_key is not null or m.member_key in (select member_key from _held))
              and m.member_key not in (select member_key from _adds)
              and m.member_key not in (select member_key from _removes)
            union all
            select member_key, fingerprint, payload, is_change from _adds
        ) everyone
        """,
        [run.target.audience.name, run.target.state_key],
    )
    return run.conn.execute("select count(*) from _everyone").fetchall()[0][0]


def _replace(run: BatchSender) -> int:
    """One replace session; the destination deletes its old members when it starts, so a failed batch
    leaves an unknown subset: the confirmed state is cleared and the next run sends everyone again."""
    conn, params = run.conn, [run.target.audience.name, run.target.state_key]
    run.destination.confirms_on_close = True  # a replace counts only when the whole session went through
    try:
        sent, failed = run.send_all("replace", "_everyone")
    finally:
        run.destination.confirms_on_close = False
    if failed:
        conn.execute(
            f"delete from {MEMBERSHIP_TABLE} where audience = ? and destination = ? and status = 'confirmed'",
            params,
        )
        return 0
    conn.execute(
        f"""
        delete from {MEMBERSHIP_TABLE} where audience = ? and destination = ? and status = 'confirmed'
        and (member_key not in (select member_key from _everyone)
             or member_key in (select member_key from _rejected))
        """,
        params,
    )
    run.outcome.removed = run.outcome.to_remove
    return sent


def _resend(run: BatchSender) -> int:
    removed, failed_removes = run.send_all("remove", "_removes")
    run.hold_changed_adds(failed_removes, "_everyone")
    run.outcome.removed = removed
    sent, _ = run.send_all("add", "_everyone")
    return sent


def refresh_all(run: BatchSender) -> None:
    total = _stage_everyone(run)
    sent = _replace(run) if run.destination.supports_replace else _resend(run)
    outcome = run.outcome
    outcome.resent = sent
    outcome.renewed = run.confirmed_now("_renewing")
    outcome.added = run.confirmed_now("_adds") - outcome.renewed
    outcome.failed = total - sent + outcome.to_remove - outcome.removed
