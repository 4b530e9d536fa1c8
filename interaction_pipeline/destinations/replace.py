"""Full replace (Meta `usersreplace`): send every current member in one session, then confirm exactly that.

Meta deletes the old members when the session starts, so if any batch fails the destination holds an unknown
subset: the confirmed state is cleared and the next run sends everyone again as additions.
"""

from __future__ import annotations

from interaction_pipeline.destinations.batches import BatchSender
from interaction_pipeline.warehouse.sync_state import MEMBERSHIP_TABLE


def replace_all(run: BatchSender) -> None:
    conn, outcome = run.conn, run.outcome
    rows_per_batch = run.destination.rows_per_batch(run.target)
    params = [run.target.audience.name, run.target.destination]
    conn.execute(
        f"""
        create or replace temp table _replace as
        select member_key, fingerprint, payload, false as is_change,
               (row_number() over (order by member_key) - 1) // {rows_per_batch} + 1 as batch_seq
        from (
            select m.member_key, m.fingerprint, m.payload
            from {MEMBERSHIP_TABLE} m join _aud a using (member_key, fingerprint)
            where m.audience = ? and m.destination = ? and m.status = 'confirmed'
            union all
            select member_key, fingerprint, payload from _adds
        )
        """,
        params,
    )
    total = conn.execute("select count(*) from _replace").fetchall()[0][0]
    # Replace confirms only when the whole session went through.
    run.destination.confirms_on_close = True
    try:
        sent, failed = run.send_all("replace", "_replace")
    finally:
        run.destination.confirms_on_close = False
    if failed:
        conn.execute(
            f"delete from {MEMBERSHIP_TABLE} where audience = ? and destination = ? and status = 'confirmed'",
            params,
        )
        outcome.failed = total
        return
    conn.execute(
        f"""
        delete from {MEMBERSHIP_TABLE} where audience = ? and destination = ? and status = 'confirmed'
        and (member_key not in (select member_key from _replace)
             or member_key in (select member_key from _rejected))
        """,
        params,
    )
    outcome.added = sent
    outcome.removed = outcome.to_remove
    outcome.failed = total - sent
