"""A destination that lost what it confirmed is noticed by a cheap read and sent everything again; every
destination can also be re-sent in full on demand. Each stand-in is reset through its sandbox control API."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from destination_helpers import FAST, client, held, make_target, remote_id, sha

from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.webhook import WebhookDestination
from interaction_pipeline.sandbox.server import run_sandbox

EVERYONE = {sha(f"person.{i}@example.com") for i in range(150)}
RESET_PATHS = {
    "meta": "/meta/_sandbox/reset",
    "google_ads": "/google-ads/_sandbox/reset",
    "braze": "/braze/_sandbox/reset",
    "webhook": "/webhook/_sandbox/reset",
}
# Small lists are not judged by their size in production (the platforms' estimates are coarse there, and
# they take a day or two to match an upload); the tests lower both thresholds.
EAGER = {"empty_check_min_members": 1, "empty_check_after": timedelta(0)}


def reset(url: str, destination: str, **body) -> None:
    requests.post(f"{url}{RESET_PATHS[destination]}", json=body, timeout=5).raise_for_status()


def fresh(url: str, destination: str):
    return client(url, destination, **(EAGER if destination in ("meta", "google_ads") else {}))


def logged_drift(conn) -> list[str]:
    rows = conn.execute("select reason from pipeline.audience_sync_log where status = 'drift'").fetchall()
    return [reason for (reason,) in rows]


@pytest.mark.parametrize("destination", ["meta", "google_ads", "braze", "webhook"])
def test_a_full_refresh_sends_every_member_again(destination, warehouse):
    target = make_target(destination, {"mode": "blocklist"} if destination == "braze" else {})
    with run_sandbox() as sandbox:
        sync_target(warehouse, target, fresh(sandbox.url, destination))
        reset(sandbox.url, destination, members_only=True)
        assert held(sandbox.url, destination, remote_id(warehouse, destination)) == set()
        assert sync_target(warehouse, target, fresh(sandbox.url, destination)).requests == 0
        outcome = sync_target(warehouse, target, fresh(sandbox.url, destination), full_refresh=True)
        assert (outcome.full_refresh, outcome.resent, outcome.added, outcome.failed) == (True, 150, 0, 0)
        assert held(sandbox.url, destination, remote_id(warehouse, destination)) == EVERYONE


@pytest.mark.parametrize("destination", ["meta", "google_ads", "braze", "webhook"])
def test_a_destination_that_lost_its_members_is_noticed_and_sent_everyone(destination, warehouse):
    target = make_target(destination, {"mode": "blocklist"} if destination == "braze" else {})
    with run_sandbox() as sandbox:
        sync_target(warehouse, target, fresh(sandbox.url, destination))
        reset(sandbox.url, destination, members_only=True)
        outcome = sync_target(warehouse, target, fresh(sandbox.url, destination), verify_remote=True)
        assert outcome.drift and outcome.full_refresh and outcome.resent == 150
        assert held(sandbox.url, destination, remote_id(warehouse, destination)) == EVERYONE
        assert logged_drift(warehouse) == [outcome.drift]
        again = sync_target(warehouse, target, fresh(sandbox.url, destination), verify_remote=True)
        assert (again.drift, again.resent, again.to_add) == (None, 0, 0)


def test_the_check_runs_at_most_hourly_without_being_asked(warehouse):
    target = make_target("webhook")
    with run_sandbox() as sandbox:
        sync_target(warehouse, target, fresh(sandbox.url, "webhook"))
        reset(sandbox.url, "webhook")
        assert sync_target(warehouse, target, fresh(sandbox.url, "webhook")).requests == 0
        warehouse.execute(
            "update pipeline.audience_targets set verified_at = verified_at - interval '61 minutes'"
        )
        outcome = sync_target(warehouse, target, fresh(sandbox.url, "webhook"))
        assert outcome.drift == "the webhook receiver holds 0 members of test, 150 are confirmed"
        assert held(sandbox.url, "webhook", None) == EVERYONE
        # Members the receiver should have had get an identify again, not a second "Audience Entered".
        assert requests.get(f"{sandbox.url}/webhook/_sandbox/received", timeout=5).json()["events"] == {}


@pytest.mark.parametrize("destination", ["meta", "google_ads"])
def test_a_deleted_list_is_noticed_without_a_change_and_recreated_with_everyone(destination, warehouse):
    target = make_target(destination, name="deleted")
    with run_sandbox() as sandbox:
        sync_target(warehouse, target, fresh(sandbox.url, destination))
        first_list = remote_id(warehouse, destination)
        reset(sandbox.url, destination)
        outcome = sync_target(warehouse, target, fresh(sandbox.url, destination), verify_remote=True)
        assert (outcome.added, outcome.failed) == (150, 0)
        assert remote_id(warehouse, destination) != first_list
        assert held(sandbox.url, destination, remote_id(warehouse, destination)) == EVERYONE
    reason = warehouse.execute(
        "select reason from pipeline.audience_sync_log where audience = 'deleted' and status = 'failed'"
    ).fetchall()[0][0]
    assert "does not exist; its confirmed state was cleared" in reason


def test_an_emptied_ad_list_is_not_judged_by_its_size_while_small_or_freshly_uploaded(warehouse):
    target = make_target("meta")
    with run_sandbox() as sandbox:
        sync_target(warehouse, target, client(sandbox.url, "meta"))
        reset(sandbox.url, "meta", members_only=True)
        outcome = sync_target(warehouse, target, client(sandbox.url, "meta"), verify_remote=True)
        assert (outcome.drift, outcome.requests) == (None, 1)  # 150 people: below Meta's 1,000 to judge by


def test_a_webhook_receiver_that_does_not_report_its_members_is_not_checked(httpserver, warehouse):
    httpserver.expect_request("/hooks", method="POST").respond_with_json({"success": True})
    httpserver.expect_request("/hooks", method="GET").respond_with_data("", status=405)
    target = make_target("webhook")
    url = httpserver.url_for("/hooks")
    sync_target(warehouse, target, WebhookDestination(url, "s", policy=FAST))
    outcome = sync_target(warehouse, target, WebhookDestination(url, "s", policy=FAST), verify_remote=True)
    assert (outcome.drift, outcome.full_refresh, outcome.failed) == (None, False, 0)
    assert [request.method for request, _ in httpserver.log][-1] == "GET"


def test_braze_subscription_members_that_lost_their_attribute_are_sent_again(warehouse):
    target = make_target("braze", {"mode": "subscription"}, name="quiet")
    with run_sandbox() as sandbox:
        sync_target(warehouse, target, client(sandbox.url, "braze"))
        reset(sandbox.url, "braze")
        outcome = sync_target(warehouse, target, client(sandbox.url, "braze"), verify_remote=True)
        assert outcome.drift.startswith("Braze no longer holds 5 of 5 confirmed members checked")
        users = requests.get(f"{sandbox.url}/braze/_sandbox/state", timeout=5).json()["users"]
        assert {key for key, user in users.items() if user.get("quiet") is True} == {
            f"external_id:u{i}" for i in range(150)
        }
