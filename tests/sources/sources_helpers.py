"""Helpers for the object-source tests: fill a running sandbox, compare warehouse tables with its state."""

from __future__ import annotations

import orjson

from interaction_pipeline.sources.http import HttpSettings
from interaction_pipeline.sources.salesforce import API_VERSION as SALESFORCE_API_VERSION
from interaction_pipeline.sources.salesforce import SOBJECTS
from interaction_pipeline.sources.zendesk_sync import is_deleted
from interaction_pipeline.warehouse.object_tables import OBJECT_TABLES

# Quick retries and a short read timeout, so injected timeouts cost a second rather than a minute.
FAST_HTTP = HttpSettings(attempts=10, backoff=0.01, backoff_max=0.05, connect_timeout=2.0, read_timeout=1.0)
ALL_COLLECTIONS = [tuple(key.split("/")) for key in OBJECT_TABLES]


def native_collection(source: str, collection: str) -> str:
    return SOBJECTS[collection] if source == "salesforce" else collection


def populate(state, count: int) -> None:
    """Create ``count`` objects in every collection of every object source, as a live account would have."""
    stripe, zendesk, salesforce = (state.vendors[name] for name in ("stripe", "zendesk", "salesforce"))
    with state.lock:
        for i in range(count):
            product = stripe.create("products", {"name": f"Plan {i}", "active": True})
            price = stripe.create(
                "prices",
                {
                    "product": product["id"],
                    "unit_amount": 1000 + i,
                    "currency": "usd",
                    "recurring": {"interval": "month"},
                },
            )
            customer = stripe.create("customers", {"email": f"person{i}@example.com", "name": f"Person {i}"})
            subscription = stripe.create(
                "subscriptions",
                {
                    "customer": customer["id"],
                    "status": "active",
                    "current_period_start": 1_790_000_000,
                    "current_period_end": 1_792_600_000,
                    "canceled_at": None,
                    "ended_at": None,
                    "items": {
                        "object": "list",
                        "data": [{"price": {"id": price["id"]}, "quantity": 1 + i % 3}],
                    },
                },
            )
            invoice = stripe.create(
                "invoices",
                {
                    "customer": customer["id"],
                    "subscription": subscription["id"],
                    "status": "paid",
                    "amount_due": 1000 + i,
                    "amount_paid": 1000 + i,
                    "currency": "usd",
                },
            )
            stripe.create(
                "charges",
                {
                    "customer": customer["id"],
                    "invoice": invoice["id"],
                    "amount": 1000 + i,
                    "currency": "usd",
                    "status": "succeeded",
                    "paid": True,
                },
            )
            organization = zendesk.create("organizations", {"name": f"Org {i}"})
            user = zendesk.create(
                "users",
                {
                    "email": f"person{i}@example.com",
                    "name": f"Person {i}",
                    "role": "end-user",
                    "active": True,
                    "phone": f"+1555000{i:04d}",
                    "external_id": f"user-{i}",
                    "organization_id": organization["id"],
                },
            )
            zendesk.create(
                "tickets",
                {
                    "subject": f"Help {i}",
                    "status": "open",
                    "priority": "normal",
                    "requester_id": user["id"],
                    "organization_id": organization["id"],
                },
            )
            account = salesforce.create("Account", {"Name": f"Account {i}", "Industry": "Software"})
            salesforce.create(
                "Contact",
                {
                    "AccountId": account["Id"],
                    "Email": f"person{i}@example.com",
                    "FirstName": "Person",
                    "LastName": str(i),
                    "Phone": None,
                },
            )
            salesforce.create(
                "Lead",
                {
                    "Email": f"lead{i}@example.com",
                    "Company": f"Lead Co {i}",
                    "Status": "Open",
                    "ConvertedContactId": None,
                },
            )
            salesforce.create(
                "Opportunity",
                {
                    "AccountId": account["Id"],
                    "StageName": "Prospecting",
                    "Amount": 1200.5 + i,
                    "CloseDate": "2026-12-31",
                    "IsWon": False,
                },
            )
    # Zendesk leaves out changes of the last minute: let them age past it.
    state.clock.offset_seconds += 120


def make_changes(state) -> dict[tuple[str, str], int]:
    """Creates, updates and deletes in every collection; returns how many changes each should receive."""
    stripe, zendesk, salesforce = (state.vendors[name] for name in ("stripe", "zendesk", "salesforce"))
    ids = {name: [obj["id"] for obj in stripe.list_objects(name)] for name in stripe.collections()}
    with state.lock:
        for i in range(2):
            stripe.create("customers", {"email": f"new{i}@example.com", "name": f"New {i}"})
        for object_id in ids["customers"][:3]:
            stripe.update("customers", object_id, {"name": "Renamed"})
        stripe.delete("customers", ids["customers"][5])
        stripe.delete("subscriptions", ids["subscriptions"][0])  # cancels
        stripe.update("subscriptions", ids["subscriptions"][1], {"status": "past_due"})
        stripe.update("invoices", ids["invoices"][0], {"status": "void"})
        stripe.delete("invoices", ids["invoices"][1])
        stripe.update("charges", ids["charges"][0], {"status": "failed", "paid": False})
        stripe.update("products", ids["products"][0], {"active": False})
        stripe.delete("prices", ids["prices"][0])

        for i in range(2):
            zendesk.create("tickets", {"subject": f"New {i}", "status": "new", "requester_id": 1})
        zendesk.update("tickets", 1, {"status": "solved"})
        zendesk.update("tickets", 2, {"priority": "urgent"})
        zendesk.delete("tickets", 3)
        zendesk.update("users", 1, {"phone": "+15550009999"})
        zendesk.delete("users", 2)
        zendesk.delete("organizations", 1)

        accounts = [record["Id"] for record in salesforce.list_objects("Account")]
        contacts = [record["Id"] for record in salesforce.list_objects("Contact")]
        salesforce.create("Account", {"Name": "Brand New", "Industry": "Retail"})
        salesforce.update("Account", accounts[0], {"Industry": "Banking"})
        salesforce.delete("Account", accounts[1])
        for contact in contacts[:2]:
            salesforce.update("Contact", contact, {"Phone": "+15550001111"})
        salesforce.delete("Lead", salesforce.list_objects("Lead")[0]["Id"])
        salesforce.update("Opportunity", salesforce.list_objects("Opportunity")[0]["Id"], {"IsWon": True})
    state.clock.offset_seconds += 120
    return {
        ("stripe", "customers"): 6,
        ("stripe", "subscriptions"): 2,
        ("stripe", "invoices"): 2,
        ("stripe", "charges"): 1,
        ("stripe", "products"): 1,
        ("stripe", "prices"): 1,
        ("zendesk", "tickets"): 5,
        ("zendesk", "users"): 2,
        ("zendesk", "organizations"): 1,
        ("salesforce", "accounts"): 3,
        ("salesforce", "contacts"): 2,
        ("salesforce", "leads"): 1,
        ("salesforce", "opportunities"): 1,
    }


def sandbox_rows(state, source: str, collection: str) -> dict:
    """id -> (object, is_deleted) as the sandbox holds it now."""
    objects = state.vendors[source].list_objects(native_collection(source, collection))
    if source == "stripe":
        return {obj["id"]: (obj, False) for obj in objects}
    if source == "zendesk":
        return {obj["id"]: (obj, is_deleted(collection, obj)) for obj in objects}
    return {obj["Id"]: (as_queried(obj), bool(obj["IsDeleted"])) for obj in objects}


def as_queried(record: dict) -> dict:
    """A Salesforce record as our queries return it: ``attributes.url`` names the API version asked."""
    url = f"/services/data/{SALESFORCE_API_VERSION}/sobjects/{record['attributes']['type']}/{record['Id']}"
    return {**record, "attributes": {**record["attributes"], "url": url}}


def warehouse_rows(conn, source: str, collection: str) -> dict:
    rows = conn.execute(f"select id, data, is_deleted from raw_{source}.{collection}").fetchall()
    return {row[0]: (orjson.loads(row[1]), row[2]) for row in rows}


def assert_table_matches_sandbox(conn, state, source: str, collection: str) -> None:
    expected = sandbox_rows(state, source, collection)
    actual = warehouse_rows(conn, source, collection)
    if source == "stripe":
        # Stripe removes deleted objects; the warehouse keeps them, marked deleted.
        gone = {object_id for object_id in actual if object_id not in expected}
        assert all(actual[object_id][1] for object_id in gone), (
            f"{collection}: rows gone from Stripe not deleted"
        )
        actual = {object_id: row for object_id, row in actual.items() if object_id not in gone}
    assert actual.keys() == expected.keys(), f"{source}/{collection}: ids differ"
    for object_id, row in expected.items():
        assert actual[object_id] == row, f"{source}/{collection} {object_id}: {actual[object_id]} != {row}"


def table_snapshot(conn, source: str, collection: str) -> list[tuple]:
    """Every column except ``_synced_at``, ordered by id: equal snapshots mean equal tables."""
    columns = [
        name
        for name, *_ in conn.execute(f"describe raw_{source}.{collection}").fetchall()
        if name != "_synced_at"
    ]
    return conn.execute(f"select {', '.join(columns)} from raw_{source}.{collection} order by id").fetchall()


def cursors(conn) -> dict:
    rows = conn.execute("select source, collection, cursor from pipeline.object_cursors").fetchall()
    return {(source, collection): orjson.loads(cursor) for source, collection, cursor in rows}
