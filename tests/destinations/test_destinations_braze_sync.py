"""Syncing to the Braze stand-in: blocklist and subscription modes, limits, faults."""

from __future__ import annotations

import requests
from destination_helpers import make_target, member, write_audience

from interaction_pipeline.destinations.braze import BrazeDestination
from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.http_client import RetryPolicy

FAST = RetryPolicy(attempts=4, backoff=0.01, backoff_max=0.05)


def braze(url: str, timeout: float = 5.0) -> BrazeDestination:
    return BrazeDestination(f"{url}/braze", "key", timeout=timeout, policy=FAST)


def state(url: str) -> dict:
    return requests.get(f"{url}/braze/_sandbox/state", timeout=5).json()


def addresses(indices) -> set[str]:
    return {f"person.{i}@example.com" for i in indices}


def test_suppression_blocklists_in_calls_of_fifty_and_clears_leavers(sandbox_url, warehouse):
    target = make_target(
        "braze", {"mode": "blocklist"}, name="blocked", purpose="suppression", identifiers=["email"]
    )
    first = sync_target(warehouse, target, braze(sandbox_url))
    assert (first.added, first.requests) == (150, 3)
    assert addresses(range(150)) <= set(state(sandbox_url)["blocklist"])
    write_audience(warehouse, "aud_test", [member(i) for i in range(100)])
    second = sync_target(warehouse, target, braze(sandbox_url))
    assert second.removed == 50
    assert not addresses(range(100, 150)) & set(state(sandbox_url)["hard_bounced"])


def test_subscription_mode_sets_the_audience_attribute_and_unsubscribes_suppressed(sandbox_url, warehouse):
    options = {"mode": "subscription", "subscription_group_id": "grp-offers"}
    target = make_target("braze", options, name="quiet", purpose="suppression", identifiers=["email"])
    outcome = sync_target(warehouse, target, braze(sandbox_url))
    assert (outcome.added, outcome.requests, outcome.counts["attributes_processed"]) == (150, 2, 150)
    user = state(sandbox_url)["users"]["external_id:u7"]
    assert user == {"quiet": True, "subscription_groups": {"grp-offers": "unsubscribed"}}
    write_audience(warehouse, "aud_test", [member(i) for i in range(150) if i != 7])
    sync_target(warehouse, target, braze(sandbox_url))
    assert state(sandbox_url)["users"]["external_id:u7"]["quiet"] is False


def test_braze_faults_converge(sandbox_url, warehouse):
    target = make_target("braze", {"mode": "subscription"}, name="flaky", identifiers=["email"])
    rules = [
        {"prefix": "/braze", "path_contains": "/users/track", "status": 429, "retry_after": 0, "times": 1},
        {"prefix": "/braze", "path_contains": "/users/track", "status": 502, "times": 1},
        {"prefix": "/braze", "path_contains": "/users/track", "delay": 0.6, "times": 1},
        {"prefix": "/braze", "path_contains": "/users/track", "partial": 4, "times": 1},
    ]
    requests.post(f"{sandbox_url}/_sandbox/faults", json={"rules": rules}, timeout=5).raise_for_status()
    assert sync_target(warehouse, target, braze(sandbox_url, timeout=0.3)).failed == 4
    assert sync_target(warehouse, target, braze(sandbox_url)).added == 4
    flagged = {k for k, v in state(sandbox_url)["users"].items() if v.get("flaky") is True}
    assert flagged == {f"external_id:u{i}" for i in range(150)}
