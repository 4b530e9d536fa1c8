"""What a sync sends, staged in temp tables after the diff (`diff.py`).

- `_outgoing`: entering members with the payload to send, or `payload = 'null'` and the `unmatched` reason
  when none of their identifiers can be sent to this destination;
- `_renewing`: confirmed, unchanged members whose membership expires soon at the destination (Google
  Customer Match drops a member a set number of days after its last upload), sent again as additions;
- `_adds` and `_removes`: what goes out, numbered into batches.

Entering members are normalized and hashed in Python (`phonenumbers`) and loaded back in bulk.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import orjson

from interaction_pipeline.destinations.diff import membership_source
from interaction_pipeline.destinations.payloads import BUILDERS, IDENTIFIER_COLUMNS, unmatched_reason
from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.privacy import masked_text
from interaction_pipeline.warehouse.engine import (
    Connection,
    batch_number,
    load_temp_table,
    replace_temp_table,
)

PAYLOAD_COLUMNS = {"k": "varchar", "p": "varchar", "w": "varchar", "u": "varchar"}


def _payloads(conn: Connection, target: SyncTarget) -> Iterator[tuple[str, str, str, str]]:
    """(member key, payload as JSON, problems, why unmatched) for every entering member."""
    build = BUILDERS[target.destination]
    cursor = conn.execute(f"select member_key, {', '.join(IDENTIFIER_COLUMNS)} from _entering")
    while chunk := cursor.fetchmany(50_000):
        yield from (_payload_row(target, build, row) for row in chunk)


def _payload_row(target: SyncTarget, build, row: tuple) -> tuple[str, str, str, str]:
    identifiers, options = target.audience.identifiers, target.options
    record = dict(zip(("profile_id", *IDENTIFIER_COLUMNS), row, strict=True))
    payload, problems = build(record, identifiers, options)
    unmatched = unmatched_reason(target.destination, record, identifiers, options) if payload is None else ""
    # Problems become sync-log reasons: masked, should a message ever quote a value.
    return row[0], orjson.dumps(payload).decode(), masked_text("; ".join(problems)), unmatched


def stage_payloads(conn: Connection, target: SyncTarget) -> None:
    """`_outgoing` and `_refreshed` (identifier edits that normalize to what the destination holds)."""
    load_temp_table(conn, "_payloads", PAYLOAD_COLUMNS, _payloads(conn, target))
    replace_temp_table(
        conn,
        "_outgoing",
        """
        select e.member_key, e.fingerprint, e.is_change, e.old_payload, p.p as payload,
               nullif(p.w, '') as problems, nullif(p.u, '') as unmatched
        from _entering e join _payloads p on p.k = e.member_key
        """,
    )
    # An identifier edit that normalizes to the same payload (say, a case change) needs no request.
    replace_temp_table(
        conn,
        "_refreshed",
        "select member_key, fingerprint from _outgoing where is_change and payload = old_payload",
    )


def stage_renewals(conn: Connection, target: SyncTarget, uploaded_before: datetime | None) -> int:
    """`_renewing`: unchanged confirmed members last uploaded before ``uploaded_before`` (None: nobody)."""
    due = "m.confirmed_at < ?" if uploaded_before else "false"
    replace_temp_table(
        conn,
        "_renewing",
        f"""
        select m.member_key, m.fingerprint, m.payload, false as is_change
        from {membership_source(conn)} m join _aud a using (member_key, fingerprint)
        where m.audience = ? and m.destination = ? and m.status = 'confirmed' and {due}
        """,
        [target.audience.name, target.state_key, *([uploaded_before] if uploaded_before else [])],
    )
    return conn.execute("select count(*) from _renewing").fetchall()[0][0]


def number_batches(
    conn: Connection, rows_per_batch: int, *, updates_in_place: bool = False
) -> tuple[int, int]:
    """`_adds` and `_removes` with 1-based batch numbers; returns their row counts.

    List destinations take an identifier change as removing the old row and adding the new one; destinations
    that update a member in place (the webhook's identify) get only the new row.
    """
    in_place = (
        "and not (is_change and member_key in (select member_key from _adds))" if updates_in_place else ""
    )
    batch_seq = batch_number("member_key", rows_per_batch)
    replace_temp_table(
        conn,
        "_adds",
        f"""
        select *, {batch_seq} as batch_seq
        from (
            select member_key, fingerprint, payload, is_change from _outgoing
            where payload <> 'null' and member_key not in (select member_key from _refreshed)
            union all
            select member_key, fingerprint, payload, is_change from _renewing
        ) outgoing
        """,
    )
    replace_temp_table(
        conn,
        "_removes",
        f"""
        select member_key, fingerprint, payload, is_change, {batch_seq} as batch_seq
        from _exiting
        where member_key not in (select member_key from _refreshed) {in_place}
        """,
    )
    adds = conn.execute("select count(*) from _adds").fetchall()[0][0]
    removes = conn.execute("select count(*) from _removes").fetchall()[0][0]
    return adds, removes


def unmatched_counts(conn: Connection, target: SyncTarget) -> dict[str, int]:
    """Members of the audience this destination cannot match, by reason: newly found ones and those found
    by earlier syncs (kept as `invalid` in the membership, not resent while their identifiers stay)."""
    rows = conn.execute(
        f"""
        select reason, count(*) from (
            select coalesce(m.reason, 'identifiers not usable') as reason
            from {membership_source(conn)} m join _aud a using (member_key, fingerprint)
            where m.audience = ? and m.destination = ? and m.status = 'invalid'
            union all
            select coalesce(unmatched, 'identifiers not usable') from _outgoing where payload = 'null'
        ) unmatched
        group by reason order by reason
        """,
        [target.audience.name, target.state_key],
    ).fetchall()
    return dict(rows)
