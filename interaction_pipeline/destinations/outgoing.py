"""What a sync sends, staged in temp tables after the diff (`diff.py`).

- `_outgoing`: entering members with the payload to send, or `payload = 'null'` and the `unmatched` reason
  when none of their identifiers can be sent to this destination;
- `_renewing`: confirmed, unchanged members whose membership expires soon at the destination (Google
  Customer Match drops a member a set number of days after its last upload), sent again as additions;
- `_adds` and `_removes`: what goes out, numbered into batches.

Entering members are normalized and hashed in Python (`phonenumbers`), streamed back through an NDJSON file.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import duckdb
import orjson

from interaction_pipeline.destinations.diff import membership_source
from interaction_pipeline.destinations.payloads import BUILDERS, IDENTIFIER_COLUMNS, unmatched_reason
from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.privacy import masked_text


def _write_payloads(conn: duckdb.DuckDBPyConnection, target: SyncTarget, path: Path) -> None:
    build = BUILDERS[target.destination]
    identifiers, options = target.audience.identifiers, target.options
    cursor = conn.execute(f"select member_key, {', '.join(IDENTIFIER_COLUMNS)} from _entering")
    with path.open("wb") as out:
        while chunk := cursor.fetchmany(50_000):
            lines = []
            for row in chunk:
                record = dict(zip(("profile_id", *IDENTIFIER_COLUMNS), row, strict=True))
                payload, problems = build(record, identifiers, options)
                unmatched = (
                    unmatched_reason(target.destination, record, identifiers, options)
                    if payload is None
                    else ""
                )
                line = {
                    "k": row[0],
                    "p": orjson.dumps(payload).decode(),
                    # Problems become sync-log reasons: masked, should a message ever quote a value.
                    "w": masked_text("; ".join(problems)),
                    "u": unmatched,
                }
                lines.append(orjson.dumps(line))
            out.write(b"\n".join(lines) + b"\n")


def stage_payloads(conn: duckdb.DuckDBPyConnection, target: SyncTarget) -> None:
    """`_outgoing` and `_refreshed` (identifier edits that normalize to what the destination holds)."""
    with tempfile.TemporaryDirectory(prefix="audience-sync-") as folder:
        path = Path(folder) / "payloads.ndjson"
        _write_payloads(conn, target, path)
        conn.execute(
            f"""
            create or replace temp table _outgoing as
            select e.member_key, e.fingerprint, e.is_change, e.old_payload, p.p as payload,
                   nullif(p.w, '') as problems, nullif(p.u, '') as unmatched
            from _entering e
            join read_json('{path}', format = 'newline_delimited',
                           columns = {{k: 'VARCHAR', p: 'VARCHAR', w: 'VARCHAR', u: 'VARCHAR'}}) p
                on p.k = e.member_key
            """
        )
    # An identifier edit that normalizes to the same payload (say, a case change) needs no request.
    conn.execute(
        """
        create or replace temp table _refreshed as
        select member_key, fingerprint from _outgoing where is_change and payload = old_payload
        """
    )


def stage_renewals(
    conn: duckdb.DuckDBPyConnection, target: SyncTarget, uploaded_before: datetime | None
) -> int:
    """`_renewing`: unchanged confirmed members last uploaded before ``uploaded_before`` (None: nobody)."""
    due = "m.confirmed_at < ?" if uploaded_before else "false"
    conn.execute(
        f"""
        create or replace temp table _renewing as
        select m.member_key, m.fingerprint, m.payload, false as is_change
        from {membership_source(conn)} m join _aud a using (member_key, fingerprint)
        where m.audience = ? and m.destination = ? and m.status = 'confirmed' and {due}
        """,
        [target.audience.name, target.state_key, *([uploaded_before] if uploaded_before else [])],
    )
    return conn.execute("select count(*) from _renewing").fetchall()[0][0]


def number_batches(
    conn: duckdb.DuckDBPyConnection, rows_per_batch: int, *, updates_in_place: bool = False
) -> tuple[int, int]:
    """`_adds` and `_removes` with 1-based batch numbers; returns their row counts.

    List destinations take an identifier change as removing the old row and adding the new one; destinations
    that update a member in place (the webhook's identify) get only the new row.
    """
    in_place = (
        "and not (is_change and member_key in (select member_key from _adds))" if updates_in_place else ""
    )
    conn.execute(
        f"""
        create or replace temp table _adds as
        select *, (row_number() over (order by member_key) - 1) // {rows_per_batch} + 1 as batch_seq
        from (
            select member_key, fingerprint, payload, is_change from _outgoing
            where payload <> 'null' and member_key not in (select member_key from _refreshed)
            union all
            select member_key, fingerprint, payload, is_change from _renewing
        )
        """
    )
    conn.execute(
        f"""
        create or replace temp table _removes as
        select member_key, fingerprint, payload, is_change,
               (row_number() over (order by member_key) - 1) // {rows_per_batch} + 1 as batch_seq
        from _exiting
        where member_key not in (select member_key from _refreshed) {in_place}
        """
    )
    adds = conn.execute("select count(*) from _adds").fetchall()[0][0]
    removes = conn.execute("select count(*) from _removes").fetchall()[0][0]
    return adds, removes


def unmatched_counts(conn: duckdb.DuckDBPyConnection, target: SyncTarget) -> dict[str, int]:
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
        )
        group by reason order by reason
        """,
        [target.audience.name, target.state_key],
    ).fetchall()
    return dict(rows)
