"""A family sharing one email, through a real `dbt build`, rebuilt for a pinned day after the next day's data
arrived: every member keeps a profile, devices stay with their owner, suppression wins over the shared email,
nobody is dropped for lacking an email, and the past is rebuilt exactly.

The household (ids hold the characters keys and labels are built with): ivan (`fam|ivan`) gave the shared
email first, mum (`fam|mum`) gave it and later her own, jack (`fam:jack`) gave it from his phone and has an
open Zendesk ticket. Mum paid a Stripe invoice out of band (no charge), so she is a high-value customer.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime, timedelta

import duckdb
import pytest
from conftest import BuiltWarehouse, run_dbt
from fixtures.warehouse_fixture import AS_OF, insert_messages, insert_objects
from fixtures.warehouse_story import UA_IPHONE, _at, _braze, _identify, _page, _track

pytestmark = pytest.mark.slow

SHARED = "home|smith:family@example.com"
IVAN, MUM, JACK = "fam|ivan", "fam|mum", "fam:jack"
MIDNIGHT = datetime.combine(AS_OF, datetime.min.time())
SNAPSHOT = ("audiences.", "marts.fct_email_", "marts.fct_push_", "marts.fct_in_app_", "marts.fct_experiment_")


def _profile_id(anchor: str) -> str:
    return hashlib.md5(anchor.encode()).hexdigest()


def _unix(at: datetime) -> int:
    return int((at - datetime(1970, 1, 1)).total_seconds())


def _invoice_paid_out_of_band(invoice_id: str, cents: int, *, created: datetime, paid: datetime) -> dict:
    """A Stripe invoice of mum's marked paid outside Stripe (a cheque): paid, no charge, no amount_paid."""
    return {
        "id": invoice_id, "customer_id": "cus_mum", "subscription_id": None, "status": "paid",
        "amount_due": cents, "amount_paid": 0, "total": cents, "currency": "usd", "created": created,
        "paid": True, "paid_out_of_band": True, "charge": None,
        "status_transitions": {"paid_at": _unix(paid)},
    }  # fmt: skip


def _household_until_as_of() -> list[dict]:
    a = AS_OF
    return [
        _identify(_at(a, 60), user=IVAN, email=SHARED),
        _identify(_at(a, 50), user=MUM, email=SHARED),
        _identify(_at(a, 45), user=MUM, email="mum@example.com"),
        _identify(_at(a, 30), user=JACK, anonymous="jack-phone", email=SHARED),
        # jack's phone visits, naming the shared email but no user id: jack visited, not ivan.
        {**_page(_at(a, 20), anonymous="jack-phone"), "context": {"traits": {"email": SHARED}}},
        # ivan reads the family newsletter; jack only receives it.
        _braze("Email Sent", IVAN, SHARED, _at(a, 30, 9), campaign="cmp_home"),
        _braze("Email Delivered", IVAN, SHARED, _at(a, 30, 9, 5), campaign="cmp_home"),
        _braze("Email Opened", IVAN, SHARED, _at(a, 30, 11), campaign="cmp_home", user_agent=UA_IPHONE),
        _braze("Email Sent", JACK, SHARED, _at(a, 30, 9), campaign="cmp_home"),
        _braze("Email Delivered", JACK, SHARED, _at(a, 30, 9, 5), campaign="cmp_home"),
        # Customer.io delivers to mum's email, and her mailbox fetches it a second later, reported for her id.
        _track("Email Delivered", _at(a, 25, 8), "customerio", anonymous="mum@example.com",
               campaign_id="cio_home"),
        _track("Email Opened", _at(a, 25, 8, 1), "customerio", user=MUM, campaign_id="cio_home"),
    ]  # fmt: skip


def _household_objects_until_as_of() -> dict[str, list[dict]]:
    a = AS_OF
    return {
        "raw_zendesk.users": [
            {"id": 2001, "email": SHARED, "external_id": JACK, "name": "Jack Smith", "phone": None,
             "organization_id": None, "role": "end-user", "created_at": _at(a, 30), "updated_at": _at(a, 5)},
        ],
        "raw_zendesk.tickets": [
            {"id": 6001, "requester_id": 2001, "organization_id": None, "status": "open", "priority": None,
             "subject": "Where is my order", "created_at": _at(a, 5), "updated_at": _at(a, 5)},
        ],
        "raw_stripe.customers": [
            {"id": "cus_mum", "email": "mum@example.com", "name": "Mum Smith", "created": _at(a, 45)},
        ],
        "raw_stripe.invoices": [
            _invoice_paid_out_of_band("in_mum_cheque", 60000, created=_at(a, 10), paid=_at(a, 9)),
        ],
    }  # fmt: skip


def _the_next_day() -> tuple[list[dict], dict[str, list[dict]]]:
    """What arrives after as_of: ivan visits, jack opens the newsletter, a new campaign goes out, mum pays
    again and opens a ticket."""
    after = MIDNIGHT + timedelta(hours=9)
    messages = [
        _page(after, user=IVAN),
        _braze("Email Opened", JACK, SHARED, after, campaign="cmp_home", user_agent=UA_IPHONE),
        _braze("Email Sent", IVAN, SHARED, after, campaign="cmp_next"),
        _braze("Email Delivered", IVAN, SHARED, after + timedelta(seconds=5), campaign="cmp_next"),
    ]
    objects = {
        "raw_zendesk.users": [
            {"id": 2003, "email": None, "external_id": MUM, "name": "Mum Smith", "phone": None,
             "organization_id": None, "role": "end-user", "created_at": after, "updated_at": after},
        ],
        "raw_zendesk.tickets": [
            {"id": 6003, "requester_id": 2003, "organization_id": None, "status": "open", "priority": None,
             "subject": "Refund", "created_at": after, "updated_at": after},
        ],
        "raw_stripe.invoices": [
            _invoice_paid_out_of_band("in_mum_again", 10000, created=after, paid=after),
        ],
    }  # fmt: skip
    return messages, objects


def _load(warehouse, messages: list[dict], objects: dict[str, list[dict]], loaded_at: datetime) -> None:
    with duckdb.connect(str(warehouse)) as con:
        insert_messages(con, messages, loaded_at=loaded_at)
        for table, rows in objects.items():
            insert_objects(con, table, rows, synced_at=loaded_at)


def _build(warehouse, tmp_path, as_of) -> None:
    result = run_dbt(
        ["build", "--exclude-resource-type", "unit_test"],
        warehouse=warehouse,
        target=tmp_path / "target",
        as_of=as_of.isoformat(),
    )
    assert result.returncode == 0, result.stdout[-4000:]


def _snapshot(warehouse) -> dict[str, list[tuple]]:
    """Every audience and every funnel, rows sorted."""
    with duckdb.connect(str(warehouse)) as con:
        tables = [
            table
            for (table,) in con.sql(
                "select table_schema || '.' || table_name from information_schema.tables "
                "where table_type = 'BASE TABLE'"
            ).fetchall()
            if table.startswith(SNAPSHOT)
        ]
        return {table: con.sql(f"select * from {table} order by all").fetchall() for table in tables}


@pytest.fixture(scope="module")
def household(built_warehouse: BuiltWarehouse, tmp_path_factory):
    folder = tmp_path_factory.mktemp("household")
    warehouse = folder / "warehouse.duckdb"
    shutil.copy(built_warehouse.path, warehouse)
    loaded_at = MIDNIGHT - timedelta(minutes=30)
    _load(warehouse, _household_until_as_of(), _household_objects_until_as_of(), loaded_at)
    _build(warehouse, folder, AS_OF)
    return warehouse, folder, _snapshot(warehouse)


def _members(warehouse, audience: str) -> dict[str, tuple]:
    with duckdb.connect(str(warehouse)) as con:
        rows = con.execute(
            f"select user_id, email, phone from audiences.{audience} where user_id like 'fam%'"
        ).fetchall()
    return {user_id: (email, phone) for user_id, email, phone in rows}


def test_each_member_keeps_a_profile_and_every_profile_holds_the_shared_email(household):
    warehouse, _, _ = household
    with duckdb.connect(str(warehouse)) as con:
        stitched = dict(
            con.execute(
                "select identifier_value, profile_id from intermediate.int_identifiers_stitched "
                "where identifier_value in (?, ?, ?, ?, 'jack-phone')",
                [SHARED, IVAN, MUM, JACK],
            ).fetchall()
        )
        holders = {
            profile for (profile,) in con.execute(
                "select profile_id from marts.dim_profile_identifiers where value = ?", [SHARED]
            ).fetchall()
        }  # fmt: skip
    ivan, mum, jack = (_profile_id(f"user_id:{user}") for user in (IVAN, MUM, JACK))
    assert (stitched[IVAN], stitched[MUM], stitched[JACK]) == (ivan, mum, jack)
    assert stitched["jack-phone"] == jack  # identified to jack: it never follows the email to ivan
    assert stitched[SHARED] == ivan  # events naming the email alone count for the member seen first
    assert holders == {ivan, mum, jack}


def test_suppression_wins_over_the_shared_email_and_nobody_is_dropped_for_lacking_one(household):
    warehouse, _, _ = household
    assert _members(warehouse, "aud_open_ticket_suppression") == {JACK: (SHARED, None)}
    # ivan opened the newsletter and never visited (jack's phone did): he is re-engaged by user id alone,
    # since the only email he has is jack's too.
    assert _members(warehouse, "aud_reengagement") == {IVAN: (None, None)}
    # mum's out-of-band invoice makes her a high-value customer, reached by her own email.
    assert _members(warehouse, "aud_high_value_customers") == {MUM: ("mum@example.com", None)}
    marketing = ("reengagement", "trial_not_converted", "churn_risk_subscribers", "high_value_customers")
    with duckdb.connect(str(warehouse)) as con:
        for audience in marketing:
            query = f"select count(*) from audiences.aud_{audience} where email = ?"
            assert con.execute(query, [SHARED]).fetchone() == (0,), audience


def test_a_prefetch_matches_its_delivery_through_another_identifier(household):
    warehouse, _, _ = household
    with duckdb.connect(str(warehouse)) as con:
        [cio_home] = con.execute(
            "select delivered, machine_opens, human_opens, unique_human_openers, open_rate "
            "from marts.fct_email_campaign_funnel where campaign_id = 'cio_home'"
        ).fetchall()
        [cmp_home] = con.execute(
            "select unique_sends, unique_deliveries, unique_human_openers, open_rate "
            "from marts.fct_email_campaign_funnel where campaign_id = 'cmp_home'"
        ).fetchall()
    assert cio_home == (1, 1, 0, 0, 0.0)  # delivered to mum's email, fetched for her user id a second later
    assert cmp_home == (2, 2, 1, 0.5)


def test_a_pinned_as_of_rebuilds_the_day_after_the_next_days_data_arrived(household, tmp_path):
    built, folder, before = household
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built, warehouse)
    shutil.copytree(folder / "target", tmp_path / "target")
    messages, objects = _the_next_day()
    _load(warehouse, messages, objects, MIDNIGHT + timedelta(hours=12))

    _build(warehouse, tmp_path, AS_OF)
    assert _snapshot(warehouse) == before

    _build(warehouse, tmp_path, AS_OF + timedelta(days=1))
    assert _members(warehouse, "aud_reengagement") == {}  # ivan visited
    assert set(_members(warehouse, "aud_open_ticket_suppression")) == {JACK, MUM}
    assert _members(warehouse, "aud_high_value_customers") == {}  # mum has a ticket now
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute(
            "select lifetime_revenue from marts.dim_profile_engagement where profile_id = ?",
            [_profile_id(f"user_id:{MUM}")],
        ).fetchone() == (700.0,)
        assert con.execute(
            "select unique_human_openers from marts.fct_email_campaign_funnel where campaign_id = 'cmp_home'"
        ).fetchone() == (2,)
