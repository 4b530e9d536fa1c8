"""The diff between an audience model and a destination's confirmed membership, done in DuckDB.

Everything happens in temp tables of the sync's connection so a million members never become Python objects:

- `_aud`: the audience, one row per member key, with a fingerprint of the raw identifier columns (and the
  destination options, so a changed option re-sends what it affects);
- `_entering`: members not confirmed yet, or whose fingerprint changed (`is_change`, with the old payload);
- `_exiting`: confirmed members who left the audience, or whose identifiers changed (their old payload must
  be removed, it is what the destination holds).

Only `_entering` rows are normalized and hashed (`stage_payloads`, in Python with `phonenumbers`, streamed
back through an NDJSON file), so an unchanged audience costs one hash join and no Python per member.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import orjson

from interaction_pipeline.destinations.payloads import BUILDERS, IDENTIFIER_COLUMNS
from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.privacy import masked_text
from interaction_pipeline.warehouse.sync_state import MEMBERSHIP_TABLE


@dataclass(frozen=True)
class DiffCounts:
    members: int
    confirmed: int
    entering: int
    leaving: int  # confirmed members no longer in the audience (identifier changes are not leaving)
    changed: int


def relation_columns(conn: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in conn.execute(f"describe {relation}").fetchall()]


def _membership_source(conn: duckdb.DuckDBPyConnection) -> str:
    """The membership table, or an empty stand-in on a warehouse that never synced (dry runs create none)."""
    exists = conn.execute(
        "select count(*) from duckdb_tables() "
        "where schema_name = 'pipeline' and table_name = 'audience_membership' and not temporary"
    ).fetchall()[0][0]
    if exists:
        return MEMBERSHIP_TABLE
    columns = "audience, destination, member_key, fingerprint, payload, status"
    return f"(select {', '.join('null::varchar as ' + c for c in columns.split(', '))} where false)"


def stage_diff(conn: duckdb.DuckDBPyConnection, target: SyncTarget) -> DiffCounts:
    relation = target.audience.relation
    try:
        present = set(relation_columns(conn, relation))
    except duckdb.CatalogException as error:
        raise ValueError(
            f"audience model {target.audience.model} is not built yet ({relation} does not exist): "
            "run dbt first"
        ) from error
    if "profile_id" not in present:
        raise ValueError(f"{relation} has no profile_id column")
    selected = [
        f"cast({name} as varchar) as {name}" if name in present else f"cast(null as varchar) as {name}"
        for name in IDENTIFIER_COLUMNS
    ]
    salt = hashlib.md5(json.dumps([target.audience.identifiers, target.options], sort_keys=True).encode())
    fingerprint = "md5(concat_ws(chr(31), '{salt}', {cols}))".format(
        salt=salt.hexdigest(), cols=", ".join(f"coalesce({name}, '')" for name in IDENTIFIER_COLUMNS)
    )
    membership = _membership_source(conn)
    params = [target.audience.name, target.destination]
    conn.execute(
        f"""
        create or replace temp table _aud as
        select cast(profile_id as varchar) as member_key, {", ".join(selected)}, {fingerprint} as fingerprint
        from {relation}
        where profile_id is not null
        """
    )
    # Payloads stay in the membership table: only the few rows that change need theirs.
    conn.execute(
        f"""
        create or replace temp table _state as
        select member_key, fingerprint, status from {membership} where audience = ? and destination = ?
        """,
        params,
    )
    conn.execute(
        f"""
        create or replace temp table _entering as
        select a.*, s.member_key is not null and s.status = 'confirmed' as is_change, m.payload as old_payload
        from _aud a
        left join _state s using (member_key)
        left join {membership} m
            on s.status = 'confirmed' and m.audience = ? and m.destination = ? and m.member_key = s.member_key
        where s.member_key is null or s.fingerprint <> a.fingerprint
        qualify row_number() over (partition by a.member_key) = 1
        """,
        params,
    )
    conn.execute(
        f"""
        create or replace temp table _exiting as
        select distinct e.member_key, e.fingerprint, m.payload, e.is_change
        from (
            select s.member_key, s.fingerprint, a.member_key is not null as is_change
            from _state s left join _aud a using (member_key)
            where s.status = 'confirmed' and (a.member_key is null or a.fingerprint <> s.fingerprint)
        ) e
        join {membership} m on m.audience = ? and m.destination = ? and m.member_key = e.member_key
        """,
        params,
    )
    members, confirmed, entering, leaving, changed = conn.execute(
        """
        select
            (select count(distinct member_key) from _aud),
            (select count(*) from _state where status = 'confirmed'),
            (select count(*) from _entering),
            (select count(*) from _exiting where not is_change),
            (select count(*) from _exiting where is_change)
        """
    ).fetchall()[0]
    return DiffCounts(members, confirmed, entering, leaving, changed)


def _write_payloads(conn: duckdb.DuckDBPyConnection, target: SyncTarget, path: Path) -> None:
    """Normalize and hash entering members in Python (phonenumbers), streaming them to NDJSON."""
    build = BUILDERS[target.destination]
    identifiers, options = target.audience.identifiers, target.options
    cursor = conn.execute(f"select member_key, {', '.join(IDENTIFIER_COLUMNS)} from _entering")
    with path.open("wb") as out:
        while chunk := cursor.fetchmany(50_000):
            lines = []
            for row in chunk:
                record = dict(zip(("profile_id", *IDENTIFIER_COLUMNS), row, strict=True))
                payload, problems = build(record, identifiers, options)
                # Problems become sync-log reasons: masked, should a message ever quote a value.
                reasons = masked_text("; ".join(problems))
                lines.append(orjson.dumps({"k": row[0], "p": orjson.dumps(payload).decode(), "w": reasons}))
            out.write(b"\n".join(lines) + b"\n")


def stage_payloads(conn: duckdb.DuckDBPyConnection, target: SyncTarget) -> None:
    """`_outgoing`: entering members with the payload to send (`payload = 'null'` when nothing is valid)."""
    with tempfile.TemporaryDirectory(prefix="audience-sync-") as folder:
        path = Path(folder) / "payloads.ndjson"
        _write_payloads(conn, target, path)
        conn.execute(
            f"""
            create or replace temp table _outgoing as
            select e.member_key, e.fingerprint, e.is_change, e.old_payload, p.p as payload,
                   nullif(p.w, '') as problems
            from _entering e
            join read_json('{path}', format = 'newline_delimited',
                           columns = {{k: 'VARCHAR', p: 'VARCHAR', w: 'VARCHAR'}}) p on p.k = e.member_key
            """
        )
    # An identifier edit that normalizes to the same payload (say, a case change) needs no request.
    conn.execute(
        """
        create or replace temp table _refreshed as
        select member_key, fingerprint from _outgoing where is_change and payload = old_payload
        """
    )


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
        select member_key, fingerprint, payload, is_change,
               (row_number() over (order by member_key) - 1) // {rows_per_batch} + 1 as batch_seq
        from _outgoing
        where payload <> 'null' and member_key not in (select member_key from _refreshed)
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
