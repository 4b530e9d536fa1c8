"""An audience model's data version follows its members, not its builds."""

from __future__ import annotations

import dagster as dg
import duckdb

from interaction_pipeline.defs.resources import WarehouseResource
from interaction_pipeline.defs.transform.membership import (
    downstream_of,
    membership_version,
    with_membership_versions,
)

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


def test_models_built_from_an_audience_follow_it_after_dbt_with_its_version(tmp_path):
    """Dagster refuses a model yielded before a model it reads: what reads an audience waits with it."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema audiences")
        conn.execute("create table audiences.aud_promo (profile_id varchar, email varchar, phone varchar)")
        conn.execute("insert into audiences.aud_promo values ('p1', 'a@x.com', null)")
    audience, contacts, funnel, report = (
        dg.AssetKey(["audiences", "aud_promo"]),
        dg.AssetKey(["marts", "contacts"]),
        dg.AssetKey(["marts", "funnel"]),
        dg.AssetKey(["reporting", "contacts_chart"]),
    )
    keys = {key.path[-1]: key for key in (audience, contacts, funnel, report)}
    deps = {audience: set(), contacts: {audience}, report: {contacts}, funnel: set()}
    downstream = downstream_of({audience}, deps)
    assert downstream == {contacts, report}
    events = [
        dg.Output(None, "aud_promo"),
        dg.AssetCheckResult(asset_key=audience, check_name="unique", passed=True),
        dg.Output(None, "contacts"),
        dg.Output(None, "funnel"),
        dg.Output(None, "contacts_chart"),
    ]
    resource = WarehouseResource(database=str(warehouse))
    order = list(with_membership_versions(events, {audience: RELATION}, keys, resource, downstream))
    names = [getattr(event, "output_name", None) or event.check_name for event in order]
    assert names == ["funnel", "aud_promo", "unique", "contacts", "contacts_chart"]
    assert order[1].data_version == dg.DataVersion(version_of([("p1", "a@x.com", None)]))
    assert order[1].metadata["dagster/row_count"].value == 1
