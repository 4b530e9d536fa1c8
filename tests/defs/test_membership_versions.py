"""An audience model's data version follows its members, not its builds."""

from __future__ import annotations

import duckdb

from interaction_pipeline.defs.transform.membership import membership_version

RELATION = '"audiences"."aud_promo"'


def version_of(rows: list[tuple], extra_column: str = "") -> str:
    with duckdb.connect() as conn:
        conn.execute("create schema audiences")
        columns = f"profile_id varchar, email varchar, phone varchar{extra_column}"
        conn.execute(f"create table audiences.aud_promo ({columns})")
        conn.executemany(f"insert into audiences.aud_promo values ({', '.join('?' * len(rows[0]))})", rows)
        return membership_version(conn, RELATION)


def test_the_same_members_in_another_order_or_with_other_columns_changed_keep_their_version():
    members = [("p1", "a@x.com", None), ("p2", "b@x.com", "+14155550100")]
    first = version_of(members)
    assert version_of(list(reversed(members))) == first
    moved = version_of([(*row, "2026-11-30") for row in members], ", last_seen varchar")
    assert moved == first  # a column no sync sends


def test_a_member_who_joins_leaves_or_changes_an_identifier_changes_the_version():
    members = [("p1", "a@x.com", None), ("p2", "b@x.com", None)]
    first = version_of(members)
    assert first.startswith("2-")
    assert version_of([*members, ("p3", "c@x.com", None)]).startswith("3-")
    assert version_of(members[:1]) != first
    assert version_of([("p1", "a@x.com", None), ("p2", "b2@x.com", None)]) != first
    assert version_of([("p1", "a@x.com", None), ("p2", "b@x.com", "+14155550100")]) != first
