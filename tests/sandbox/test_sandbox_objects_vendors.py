"""The Stripe, Zendesk and Salesforce stand-ins behave like the real APIs where syncs depend on it."""

from __future__ import annotations

import pytest
import requests

from interaction_pipeline.sandbox.server import run_sandbox
from interaction_pipeline.sandbox.state import (
    SANDBOX_SALESFORCE_CLIENT_ID,
    SANDBOX_SALESFORCE_CLIENT_SECRET,
    SANDBOX_STRIPE_KEY,
    SANDBOX_ZENDESK_EMAIL,
    SANDBOX_ZENDESK_TOKEN,
)

pytestmark = pytest.mark.slow
STRIPE = {"Authorization": f"Bearer {SANDBOX_STRIPE_KEY}"}
ZENDESK = (f"{SANDBOX_ZENDESK_EMAIL}/token", SANDBOX_ZENDESK_TOKEN)


@pytest.fixture
def sandbox():
    with run_sandbox(seed=3) as running:
        yield running


def test_stripe_lists_newest_first_in_pages_linked_by_starting_after(sandbox):
    for i in range(25):
        sandbox.control(
            "POST", "/objects/stripe/customers", {"id": f"cus_{i:03d}", "email": f"{i}@example.com"}
        )
    first = requests.get(f"{sandbox.url}/stripe/v1/customers", params={"limit": 10}, headers=STRIPE).json()
    assert first["object"] == "list" and first["has_more"] is True
    assert [c["id"] for c in first["data"]][:2] == ["cus_024", "cus_023"]
    ids = [c["id"] for c in first["data"]]
    after = first["data"][-1]["id"]
    while True:
        page = requests.get(
            f"{sandbox.url}/stripe/v1/customers",
            headers=STRIPE,
            params={"limit": 10, "starting_after": after},
        ).json()
        ids += [c["id"] for c in page["data"]]
        if not page["has_more"]:
            break
        after = page["data"][-1]["id"]
    assert ids == [f"cus_{i:03d}" for i in reversed(range(25))]


def test_stripe_hides_canceled_subscriptions_unless_asked_for_all(sandbox):
    for status in ("active", "canceled", "trialing"):
        sandbox.control("POST", "/objects/stripe/subscriptions", {"status": status, "customer": "cus_1"})
    default = requests.get(f"{sandbox.url}/stripe/v1/subscriptions", headers=STRIPE).json()["data"]
    everything = requests.get(
        f"{sandbox.url}/stripe/v1/subscriptions", params={"status": "all"}, headers=STRIPE
    ).json()["data"]
    assert {s["status"] for s in default} == {"active", "trialing"}
    assert len(everything) == 3


def test_stripe_events_record_changes_and_expire_after_30_days(sandbox):
    customer = sandbox.control("POST", "/objects/stripe/customers", {"email": "a@example.com"})
    sandbox.control("PATCH", f"/objects/stripe/customers/{customer['id']}", {"name": "A"})
    sandbox.control("DELETE", f"/objects/stripe/customers/{customer['id']}")
    events = requests.get(
        f"{sandbox.url}/stripe/v1/events",
        headers=STRIPE,
        params={"types[]": ["customer.updated", "customer.deleted"]},
    ).json()["data"]
    assert [e["type"] for e in events] == ["customer.deleted", "customer.updated"]
    assert events[1]["data"]["object"]["name"] == "A"
    sandbox.control("POST", "/clock", {"advance_seconds": 30 * 86_400 + 5})
    assert requests.get(f"{sandbox.url}/stripe/v1/events", headers=STRIPE).json()["data"] == []


def test_stripe_errors_have_stripes_shape(sandbox):
    bad = requests.get(f"{sandbox.url}/stripe/v1/customers", headers={"Authorization": "Bearer sk_test_nope"})
    assert bad.status_code == 401 and set(bad.json()["error"]) == {"type", "message"}
    sandbox.control("PUT", "/permissions", {"stripe": ["charges"]})
    forbidden = requests.get(f"{sandbox.url}/stripe/v1/charges", headers=STRIPE)
    assert forbidden.status_code == 403 and forbidden.json()["error"]["type"] == "permission_error"


def test_stripe_rate_limit_answers_429_with_retry_after_when_switched_on(sandbox):
    sandbox.control("PUT", "/rate-limits", {"enabled": True})
    statuses = [requests.get(f"{sandbox.url}/stripe/v1/customers", headers=STRIPE) for _ in range(30)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited and int(limited[0].headers["Retry-After"]) >= 1


def export(sandbox, **params):
    return requests.get(
        f"{sandbox.url}/zendesk/api/v2/incremental/tickets/cursor.json", params=params, auth=ZENDESK
    )


def test_zendesk_export_excludes_the_last_minute_and_resumes_from_after_cursor(sandbox):
    for i in range(3):
        sandbox.control("POST", "/objects/zendesk/tickets", {"subject": f"t{i}", "status": "open"})
    fresh = export(sandbox, start_time=0).json()
    assert fresh["tickets"] == [] and fresh["end_of_stream"] is True
    sandbox.control("POST", "/clock", {"advance_seconds": 61})
    first = export(sandbox, start_time=0, per_page=2).json()
    assert [t["id"] for t in first["tickets"]] == [1, 2] and first["end_of_stream"] is False
    second = export(sandbox, cursor=first["after_cursor"]).json()
    assert [t["id"] for t in second["tickets"]] == [3] and second["end_of_stream"] is True
    sandbox.control("DELETE", "/objects/zendesk/tickets/1")
    sandbox.control("POST", "/clock", {"advance_seconds": 61})
    third = export(sandbox, cursor=second["after_cursor"]).json()
    assert [(t["id"], t["status"]) for t in third["tickets"]] == [(1, "deleted")]


def test_zendesk_refuses_recent_start_times_bad_auth_and_too_many_requests(sandbox):
    recent = export(sandbox, start_time=int(sandbox.state.clock.now()))
    assert recent.status_code == 400 and "Too recent" in recent.json()["description"]
    unauthorized = requests.get(
        f"{sandbox.url}/zendesk/api/v2/incremental/users/cursor.json",
        params={"start_time": 0},
        auth=("x/token", "y"),
    )
    assert unauthorized.status_code == 401 and unauthorized.json() == {"error": "Couldn't authenticate you"}
    sandbox.control("PUT", "/rate-limits", {"enabled": True})
    statuses = [export(sandbox, start_time=0) for _ in range(11)]
    assert [r.status_code for r in statuses[:10]] == [200] * 10
    assert statuses[10].status_code == 429 and int(statuses[10].headers["Retry-After"]) > 0


def salesforce_session(sandbox) -> tuple[str, dict]:
    token = requests.post(
        f"{sandbox.url}/salesforce/services/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": SANDBOX_SALESFORCE_CLIENT_ID,
            "client_secret": SANDBOX_SALESFORCE_CLIENT_SECRET,
        },
    ).json()
    assert token["token_type"] == "Bearer"
    return token["instance_url"], {"Authorization": f"Bearer {token['access_token']}"}


def test_salesforce_query_all_pages_by_next_records_url_and_includes_deleted(sandbox):
    for i in range(450):
        sandbox.state.vendors["salesforce"].create("Account", {"Name": f"A{i}"})
    first_id = sandbox.state.vendors["salesforce"].list_objects("Account")[0]["Id"]
    sandbox.control("DELETE", f"/objects/salesforce/Account/{first_id}")
    instance, headers = salesforce_session(sandbox)
    soql = (
        "SELECT Id, Name, SystemModstamp FROM Account WHERE SystemModstamp > 2020-01-01T00:00:00Z "
        "ORDER BY SystemModstamp"
    )
    query = requests.get(f"{instance}/services/data/v58.0/query", params={"q": soql}, headers=headers).json()
    assert query["totalSize"] == 449
    batches, url = [], f"{instance}/services/data/v58.0/queryAll?q={soql}"
    while url:
        body = requests.get(url, headers={**headers, "Sforce-Query-Options": "batchSize=200"}).json()
        batches.append(len(body["records"]))
        url = None if body["done"] else instance + body["nextRecordsUrl"]
    assert batches == [200, 200, 50]
    assert body["records"][-1]["Id"] == first_id  # the delete moved it to the end


def test_salesforce_errors_are_lists_of_message_and_error_code(sandbox):
    bad_token = requests.post(
        f"{sandbox.url}/salesforce/services/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
    )
    assert bad_token.status_code == 400 and bad_token.json()["error"] == "invalid_client"
    instance, headers = salesforce_session(sandbox)
    malformed = requests.get(
        f"{instance}/services/data/v58.0/queryAll", params={"q": "DELETE Account"}, headers=headers
    )
    assert malformed.status_code == 400 and malformed.json()[0]["errorCode"] == "MALFORMED_QUERY"
    expired = requests.get(
        f"{instance}/services/data/v58.0/queryAll",
        params={"q": "SELECT Id FROM Account"},
        headers={"Authorization": "Bearer expired"},
    )
    assert expired.status_code == 401 and expired.json() == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]


def test_zendesk_time_based_export_pages_by_end_time(sandbox):
    for i in range(3):
        sandbox.control("POST", "/objects/zendesk/organizations", {"name": f"Org {i}"})
    sandbox.control("POST", "/clock", {"advance_seconds": 61})
    url = f"{sandbox.url}/zendesk/api/v2/incremental/organizations.json"
    first = requests.get(url, params={"start_time": 0, "per_page": 2}, auth=ZENDESK).json()
    assert [o["id"] for o in first["organizations"]] == [1, 2] and first["end_of_stream"] is False
    second = requests.get(url, params={"start_time": first["end_time"]}, auth=ZENDESK).json()
    # The same second comes again: time-based exports repeat objects at the page boundary.
    assert [o["id"] for o in second["organizations"]] == [1, 2, 3] and second["end_of_stream"] is True
