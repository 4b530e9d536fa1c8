"""A destination that lost its list (deleted by someone, or a restarted sandbox) is rebuilt, not stuck."""

from __future__ import annotations

import requests
from destination_helpers import google_ads, make_target, member, write_audience

from interaction_pipeline.destinations.account import in_sandbox
from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.google_ads import GoogleAdsDestination
from interaction_pipeline.destinations.meta import MetaDestination
from interaction_pipeline.http_client import RetryPolicy
from interaction_pipeline.sandbox.server import run_sandbox

FAST = RetryPolicy(attempts=2, backoff=0.01, backoff_max=0.05)


def in_the_sandbox(destination):
    """Named as `client_for` names a sandbox client: the same account whatever port the sandbox runs on."""
    destination.account = in_sandbox(destination.account, destination.endpoint)
    return destination


def meta(url: str) -> MetaDestination:
    return in_the_sandbox(MetaDestination(f"{url}/meta", "t", "act_1", policy=FAST))


def test_a_lost_meta_audience_is_recreated_with_everyone(warehouse):
    target = make_target("meta", name="lost")
    with run_sandbox() as first:
        sync_target(warehouse, target, meta(first.url))
    write_audience(warehouse, "aud_test", [member(i) for i in range(151)])
    with run_sandbox() as fresh:  # a fresh sandbox knows no audience
        url = fresh.url
        outcome = sync_target(warehouse, target, meta(url))
        assert (outcome.added, outcome.failed) == (151, 0)
        (audience,) = requests.get(f"{url}/meta/_sandbox/audiences", timeout=5).json()["audiences"].values()
        assert len(audience["members"]) == 151
    reason = warehouse.execute(
        "select reason from pipeline.audience_sync_log where audience = 'lost' and status = 'failed'"
    ).fetchall()[0][0]
    assert "does not exist; its confirmed state was cleared" in reason


def test_a_lost_google_user_list_is_recreated_with_everyone(warehouse):
    target = make_target("google_ads", name="lost_list")

    def google(url: str) -> GoogleAdsDestination:
        return in_the_sandbox(google_ads(url, "1", policy=FAST, poll_seconds=0.01))

    with run_sandbox() as first:
        sync_target(warehouse, target, google(first.url))
    write_audience(warehouse, "aud_test", [member(i) for i in range(149)])
    with run_sandbox() as fresh:
        url = fresh.url
        outcome = sync_target(warehouse, target, google(url))
        assert (outcome.added, outcome.failed) == (149, 0)
        (user_list,) = (
            requests.get(f"{url}/google-ads/_sandbox/user_lists", timeout=5).json()["user_lists"].values()
        )
        assert len(user_list["members"]) == 149
