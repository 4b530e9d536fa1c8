"""Incremental runs give the same warehouse as a full refresh after new events arrive."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import duckdb
import pytest
from conftest import BuiltWarehouse, run_dbt
from fixtures.warehouse_fixture import AS_OF, insert_messages
from fixtures.warehouse_story import UA_IPHONE, _at, _braze, _identify, _track

pytestmark = pytest.mark.slow

NOON = datetime.combine(AS_OF, datetime.min.time()) + timedelta(hours=12)


def _late_batch() -> list[dict]:
    braze = {"source_name": "braze-prod", "source_kind": "braze", "user_id": "u_quinn"}
    spring = {"campaign_id": "cmp_spring", "message_variation_id": "var_b"}
    quinn_delivered = NOON - timedelta(days=6, hours=4)
    return [
        # A prefetch two seconds after a delivery loaded in the earlier batch.
        {**braze, "event": "Email Opened", "timestamp": quinn_delivered + timedelta(seconds=2),
         "properties": spring},
        {**braze, "event": "Email Sent", "timestamp": NOON - timedelta(hours=3),
         "properties": {"campaign_id": "cmp_fall"}},
        # carol gets an anonymous id and visits: she leaves the re-engagement audience.
        {"type": "identify", "anonymous_id": "anon-carol", "source_name": "website", "source_kind": "website",
         "timestamp": NOON - timedelta(days=2), "traits": {"email": "carol@example.com"}},
        {"type": "page", "name": "Home", "anonymous_id": "anon-carol", "source_name": "website",
         "source_kind": "website", "timestamp": NOON - timedelta(days=2), "properties": {"path": "/"}},
        {"event": "Brand New Thing", "user_id": "u_bob", "source_name": "website", "source_kind": "website",
         "timestamp": NOON - timedelta(hours=1)},
        # A visitor nobody knows yet answers a survey, orders, chats and sees an experiment; the next load
        # identifies them as erin, so every one of those rows must move to erin's profile.
        _track("Survey Question Answered", NOON - timedelta(hours=5), "delighted", anonymous="anon-visitor",
               survey_id="nps_q4", survey_type="NPS", score=9),
        _track("Order Completed", NOON - timedelta(hours=5), "website", anonymous="anon-visitor",
               order_id="o-visitor", revenue=42.0, currency="usd"),
        _track("Live Chat Message Sent", NOON - timedelta(hours=5), "chatlio", anonymous="anon-visitor",
               conversation_id="chat-visitor"),
        _track("Experiment Viewed", NOON - timedelta(hours=5), "website", anonymous="anon-visitor",
               experiment_id="exp_checkout", variation_id="b"),
    ]  # fmt: skip


def _second_batch() -> list[dict]:
    """Events for campaigns, days and profiles that already have rows, so incremental marts must merge."""
    return [
        # bob reads cmp_spring (var_b) on the day his earlier opens were machine opens: a human opener now.
        _braze("Email Opened", "u_bob", "bob@example.com", _at(AS_OF, 10, 15), variation="var_b",
               user_agent=UA_IPHONE),
        # alice clicks again on an existing day, and answers NPS again after her earlier answer.
        _braze("Email Link Clicked", "u_alice", "alice@example.com", _at(AS_OF, 10, 16), variation="var_a"),
        _track("Survey Question Answered", _at(AS_OF, 1), "delighted", user="u_alice", survey_id="nps_q4",
               survey_type="NPS", survey_name="Q4 NPS", score=3),
        # carol, stitched in the previous load, visits again.
        {"type": "page", "name": "Pricing", "anonymous_id": "anon-carol", "source_name": "website",
         "source_kind": "website", "timestamp": NOON - timedelta(days=1), "properties": {"path": "/pricing"}},
        # The visitor of the earlier load signs in: they are erin.
        _identify(NOON - timedelta(hours=2), user="u_erin", anonymous="anon-visitor"),
    ]  # fmt: skip


def _snapshot(path) -> dict[str, list[tuple]]:
    """Every table dbt built (views are recomputed anyway), rows sorted, floats rounded."""
    with duckdb.connect(str(path)) as con:
        tables = con.sql(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('staging', 'intermediate', 'marts', 'audiences') "
            "and table_type = 'BASE TABLE'"
        ).fetchall()
        return {
            table: [
                tuple(round(v, 6) if isinstance(v, float) else v for v in row)
                for row in con.sql(f"select * from {table} order by all").fetchall()
            ]
            for (table,) in tables
        }


def test_incremental_run_after_new_events_equals_a_full_refresh(built_warehouse: BuiltWarehouse, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.path, warehouse)
    first_load = datetime.combine(AS_OF, datetime.min.time())
    for loaded_at, batch in ((first_load, _late_batch()), (first_load + timedelta(hours=1), _second_batch())):
        with duckdb.connect(str(warehouse)) as con:
            insert_messages(con, batch, loaded_at=loaded_at)
        # build, not run: the data tests that check only the newest load run in their incremental form too.
        incremental = run_dbt(["build", "--exclude-resource-type", "unit_test"], warehouse=warehouse,
                              target=tmp_path / "target")  # fmt: skip
        assert incremental.returncode == 0, incremental.stdout[-3000:]
    after_incremental = _snapshot(warehouse)
    full = run_dbt(["run", "--full-refresh"], warehouse=warehouse, target=tmp_path / "target")
    assert full.returncode == 0, full.stdout[-3000:]
    after_full_refresh = _snapshot(warehouse)

    assert after_incremental.keys() == after_full_refresh.keys()
    for table, rows in after_full_refresh.items():
        assert after_incremental[table] == rows, table

    with duckdb.connect(str(warehouse)) as con:
        assert (
            con.execute("select count(*) from intermediate.int_interaction_events").fetchone()[0]
            == 51 + 8 + 4
        )
        spring = (
            "select machine_opens, unique_human_openers from marts.fct_email_campaign_funnel "
            "where campaign_id = 'cmp_spring'"
        )
        assert con.execute(spring).fetchone() == (4, 4)  # bob's open in the second load is human
        # carol visited, so she left; bob's first human open (second load) brings him in.
        assert con.execute("select user_id from audiences.aud_reengagement").fetchall() == [("u_bob",)]
        alice_nps = (
            "select last_nps_score from marts.dim_profile_traits traits "
            "join marts.dim_profiles profiles using (profile_id) where profiles.user_id = 'u_alice'"
        )
        assert con.execute(alice_nps).fetchone()[0] == 3
        erin = "(select profile_id from marts.dim_profiles where user_id = 'u_erin')"
        for moved in (
            "select profile_id from marts.fct_survey_responses where score = 9 and survey_id = 'nps_q4'",
            "select profile_id from intermediate.int_order_purchases where amount = 42.0",
            "select profile_id from marts.fct_live_chat_conversations where conversation_id = 'chat-visitor'",
        ):
            assert con.execute(f"{moved} and profile_id = {erin}").fetchall(), moved


def _chain(length: int, start: datetime) -> list[dict]:
    """Anonymous ids linked through emails, one hop after another: chain-0, c1@, chain-1, c2@, ..."""
    links = []
    for number in range(1, length + 1):
        for anonymous in (f"chain-{number - 1}", f"chain-{number}"):
            links.append(
                _identify(
                    start + timedelta(minutes=len(links)), anonymous=anonymous, email=f"c{number}@example.com"
                )
            )
    return links


def test_identity_stitched_incrementally_equals_a_full_rebuild(built_warehouse: BuiltWarehouse, tmp_path):
    """Stitching rewrites only the neighbourhood of what changed, so every change that moves a label must be
    found: a user id reaching into a chain longer than the propagation passes, a new id at the chain's other
    end (whose neighbours take labels from twice the passes away), a Stripe customer whose email changes (a
    link removed and another added) and a customer deleted."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.path, warehouse)
    first_load = datetime.combine(AS_OF, datetime.min.time())
    with duckdb.connect(str(warehouse)) as con:
        insert_messages(con, _chain(12, NOON - timedelta(days=3)), loaded_at=first_load)
    assert run_dbt(["run"], warehouse=warehouse, target=tmp_path / "target").returncode == 0

    with duckdb.connect(str(warehouse)) as con:
        # A user id at one end of the chain: its label travels as far as the passes allow, no further.
        insert_messages(
            con,
            [
                _identify(NOON - timedelta(days=4), user="u_chain", anonymous="chain-0"),
                _identify(NOON - timedelta(days=1), anonymous="chain-tail", email="c12@example.com"),
            ],
            loaded_at=first_load + timedelta(hours=1),
        )  # fmt: skip
        con.execute("update raw_stripe.customers set email = 'c5@example.com' where id = 'cus_kate'")
        con.execute("update raw_stripe.customers set is_deleted = true where id = 'cus_leo'")
    incremental = run_dbt(["run"], warehouse=warehouse, target=tmp_path / "target")
    assert incremental.returncode == 0, incremental.stdout[-3000:]
    after_incremental = _snapshot(warehouse)
    assert run_dbt(["run", "--full-refresh"], warehouse=warehouse, target=tmp_path / "target").returncode == 0
    after_full_refresh = _snapshot(warehouse)

    stitched = "intermediate.int_identifiers_stitched"
    assert after_incremental[stitched] == after_full_refresh[stitched]
    assert after_incremental == after_full_refresh
    with duckdb.connect(str(warehouse)) as con:
        profiles = dict(
            con.execute(
                f"select identifier_value, profile_anchor from {stitched} where identifier_type <> 'user_id'"
            ).fetchall()
        )
    assert profiles["chain-0"] == "user_id:u_chain"
    assert profiles["kate@example.com"] != profiles["cus_kate"]  # kate's customer record moved to c5@
    assert profiles["cus_kate"] == profiles["c5@example.com"]
    assert "cus_leo" not in profiles


def test_a_new_day_counts_the_moved_window_afresh(built_warehouse: BuiltWarehouse, tmp_path):
    """The 90-day counts are kept incrementally within a day; on a later as_of day the rows of the old window
    are dropped and the new window counted from scratch, as a full refresh counts it."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.path, warehouse)
    later = (AS_OF + timedelta(days=85)).isoformat()  # the window now starts on 27 October
    with duckdb.connect(str(warehouse)) as con:
        before = con.execute("select sum(visits_90d) from intermediate.int_recipient_counts_90d").fetchone()[
            0
        ]
    incremental = run_dbt(["run"], warehouse=warehouse, target=tmp_path / "target", as_of=later)
    assert incremental.returncode == 0, incremental.stdout[-3000:]
    after_incremental = _snapshot(warehouse)
    full = run_dbt(["run", "--full-refresh"], warehouse=warehouse, target=tmp_path / "target", as_of=later)
    assert full.returncode == 0, full.stdout[-3000:]
    after_full_refresh = _snapshot(warehouse)

    for table in ("intermediate.int_recipient_counts_90d", "marts.dim_profile_traits"):
        assert after_incremental[table] == after_full_refresh[table], table
    with duckdb.connect(str(warehouse)) as con:
        moved = con.execute("select sum(visits_90d) from intermediate.int_recipient_counts_90d").fetchone()[0]
    assert (before, moved) == (2, 1)  # the visit of 22 October fell out of the window
