"""The diff between an audience model and a destination's confirmed membership, done in the warehouse.

Everything happens in temp tables of the sync's connection so a million members never become Python objects:

- `_aud`: the audience, one row per member key, with a fingerprint of the raw identifier columns (and the
  destination options, so a changed option re-sends what it affects);
- `_entering`: members not confirmed yet, or whose fingerprint changed (`is_change`, with the old payload);
- `_exiting`: confirmed members who left the audience, or whose identifiers changed (their old payload must
  be removed, it is what the destination holds).

`_aud` is staged first (`stage_audience`) so suppressed members can be taken out of it before the diff.
Only `_entering` rows are normalized and hashed (`outgoing.stage_payloads`), so an unchanged audience costs
one hash join and no Python per member.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from interaction_pipeline.destinations.payloads import IDENTIFIER_COLUMNS
from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget
from interaction_pipeline.warehouse import engine
from interaction_pipeline.warehouse.engine import Connection, MissingRelationError, replace_temp_table
from interaction_pipeline.warehouse.sync_state import MEMBERSHIP_TABLE


@dataclass(frozen=True)
class DiffCounts:
    members: int
    confirmed: int
    entering: int
    leaving: int  # confirmed members no longer in the audience (identifier changes are not leaving)
    changed: int


def relation_columns(conn: Connection, relation: str) -> list[str]:
    return engine.relation_columns(conn, relation)


def membership_source(conn: Connection) -> str:
    """The membership table, or an empty stand-in on a warehouse that never synced (dry runs create none)."""
    if engine.table_exists(conn, MEMBERSHIP_TABLE):
        return MEMBERSHIP_TABLE
    columns = ["audience", "destination", "member_key", "fingerprint", "payload", "status", "reason"]
    stand_in = ", ".join(f"null::varchar as {name}" for name in columns)
    return f"(select {stand_in}, null::timestamp as confirmed_at where false)"


def identifier_columns(conn: Connection, spec: AudienceSpec) -> list[str]:
    """Each identifier column as varchar (null where the model has no such column)."""
    try:
        present = set(relation_columns(conn, spec.relation))
    except MissingRelationError as error:
        raise ValueError(
            f"audience model {spec.model} is not built yet ({spec.relation} does not exist): run dbt first"
        ) from error
    if "profile_id" not in present:
        raise ValueError(f"{spec.relation} has no profile_id column")
    return [
        f"cast({name} as varchar) as {name}" if name in present else f"cast(null as varchar) as {name}"
        for name in IDENTIFIER_COLUMNS
    ]


def target_salt(target: SyncTarget) -> str:
    """Part of every fingerprint: a changed identifier list or option re-sends the members it affects."""
    settings = json.dumps([target.audience.identifiers, target.options], sort_keys=True)
    return hashlib.md5(settings.encode()).hexdigest()


def stage_audience(conn: Connection, spec: AudienceSpec, salt: str = "") -> int:
    """`_aud`: the audience model, one row per member key with a fingerprint; returns its size."""
    fingerprint = "md5(concat_ws(chr(31), '{salt}', {cols}))".format(
        salt=salt, cols=", ".join(f"coalesce({name}, '')" for name in IDENTIFIER_COLUMNS)
    )
    replace_temp_table(
        conn,
        "_aud",
        f"""
        select member_key, {", ".join(IDENTIFIER_COLUMNS)}, {fingerprint} as fingerprint
        from (
            select cast(profile_id as varchar) as member_key, {", ".join(identifier_columns(conn, spec))}
            from {spec.relation}
            where profile_id is not null
        ) audience
        """,
    )
    return conn.execute("select count(distinct member_key) from _aud").fetchall()[0][0]


def stage_diff(conn: Connection, target: SyncTarget) -> DiffCounts:
    """`_state`, `_entering` and `_exiting` between `_aud` and what ``target`` confirmed."""
    membership = membership_source(conn)
    params = [target.audience.name, target.state_key]
    # Payloads stay in the membership table: only the few rows that change need theirs.
    replace_temp_table(
        conn,
        "_state",
        f"select member_key, fingerprint, status from {membership} m where audience = ? and destination = ?",
        params,
    )
    replace_temp_table(
        conn,
        "_entering",
        f"""
        select distinct on (a.member_key)
            a.*, s.member_key is not null and s.status = 'confirmed' as is_change, m.payload as old_payload
        from _aud a
        left join _state s using (member_key)
        left join {membership} m
            on s.status = 'confirmed' and m.audience = ? and m.destination = ? and m.member_key = s.member_key
        where s.member_key is null or s.fingerprint <> a.fingerprint
        """,
        params,
    )
    replace_temp_table(
        conn,
        "_exiting",
        f"""
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
