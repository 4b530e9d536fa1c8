"""Syncing to the Google Ads Customer Match stand-in: jobs, E.164 phones, partial failures, one job a list."""

from __future__ import annotations

import hashlib

import pytest
import requests
from destination_helpers import google_ads, make_target, member, remote_id, write_audience

from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.google_ads import GoogleAdsDestination
from interaction_pipeline.http_client import RetryPolicy
from interaction_pipeline.sandbox.server import run_sandbox

FAST = RetryPolicy(attempts=4, backoff=0.01, backoff_max=0.05)


def google(url: str, timeout: float = 5.0) -> GoogleAdsDestination:
    return google_ads(url, "123-456-7890", timeout=timeout, policy=FAST, poll_seconds=0.02)


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def held(url: str, conn) -> list[list[dict]]:
    user_list = remote_id(conn, "google_ads")
    return requests.get(f"{url}/google-ads/_sandbox/user_lists", timeout=5).json()["user_lists"][user_list][
        "members"
    ]


def held_emails(url: str, conn) -> set[str]:
    return {e["hashedEmail"] for m in held(url, conn) for e in m if "hashedEmail" in e}


def expected(indices) -> set[str]:
    return {sha(f"person.{i}@example.com") for i in indices}


def test_customer_match_receives_hashed_emails_and_e164_phones_through_one_job(sandbox_url, warehouse):
    target = make_target(
        "google_ads", {"consent": {"ad_user_data": "GRANTED", "ad_personalization": "GRANTED"}}
    )
    outcome = sync_target(warehouse, target, google(sandbox_url))
    assert (outcome.added, outcome.failed, outcome.counts["jobs_run"]) == (150, 0, 1)
    assert held_emails(sandbox_url, warehouse) == expected(range(150))
    first = next(m for m in held(sandbox_url, warehouse) if {"hashedEmail": sha("person.1@example.com")} in m)
    assert {"hashedPhoneNumber": sha("+14155550001")} in first
    jobs = requests.get(f"{sandbox_url}/google-ads/_sandbox/user_lists", timeout=5).json()["jobs"]
    assert jobs[-1]["consent"] == {"adUserData": "GRANTED", "adPersonalization": "GRANTED"}
    assert sync_target(warehouse, target, google(sandbox_url)).requests == 0


def test_leavers_are_removed_in_their_own_job(sandbox_url, warehouse):
    target = make_target("google_ads", name="leave")
    sync_target(warehouse, target, google(sandbox_url))
    write_audience(warehouse, "aud_test", [member(i) for i in range(140)])
    outcome = sync_target(warehouse, target, google(sandbox_url))
    assert (outcome.removed, outcome.added) == (10, 0)
    assert held_emails(sandbox_url, warehouse) == expected(range(140))


def test_faults_and_partial_failures_converge_to_the_clean_membership(sandbox_url, warehouse):
    target = make_target("google_ads", {"identifiers_per_call": 100}, name="faulty")
    rules = [
        {
            "prefix": "/google-ads",
            "path_contains": "addOperations",
            "status": 429,
            "retry_after": 0,
            "times": 1,
        },
        {
            "prefix": "/google-ads",
            "path_contains": "addOperations",
            "status": 400,
            "code": "CONCURRENT_MODIFICATION",
            "times": 2,
        },
        {"prefix": "/google-ads", "path_contains": "addOperations", "partial": 5, "times": 1},
        {"prefix": "/google-ads", "path_contains": "addOperations", "delay": 0.6, "times": 1},
        {"prefix": "/google-ads", "path_contains": ":run", "status": 503, "retry_after": 0, "times": 1},
    ]
    requests.post(f"{sandbox_url}/_sandbox/faults", json={"rules": rules}, timeout=5).raise_for_status()
    first = sync_target(warehouse, target, google(sandbox_url, timeout=0.3))
    assert first.failed == 5
    assert sync_target(warehouse, target, google(sandbox_url)).failed == 0
    assert held_emails(sandbox_url, warehouse) == expected(range(150))
    reasons = [
        row[0]
        for row in warehouse.execute(
            "select reason from pipeline.audience_sync_log "
            "where audience='faulty' and status in ('retried','rejected')"
        ).fetchall()
    ]
    assert any("CONCURRENT_MODIFICATION" in r for r in reasons)
    assert sum("partial failure" in r for r in reasons) == 5


def test_a_running_job_on_the_list_is_waited_for(sandbox_url, warehouse):
    target = make_target("google_ads", name="busy")
    requests.post(f"{sandbox_url}/google-ads/_sandbox/settings", json={"job_seconds": 0.3}, timeout=5)
    try:
        sync_target(warehouse, target, google(sandbox_url))
        write_audience(warehouse, "aud_test", [member(i) for i in range(120)])
        outcome = sync_target(warehouse, target, google(sandbox_url))
    finally:
        requests.post(f"{sandbox_url}/google-ads/_sandbox/settings", json={"job_seconds": 0}, timeout=5)
    assert outcome.failed == 0 and outcome.removed == 30
    assert held_emails(sandbox_url, warehouse) == expected(range(120))


def list_sizes(url: str) -> dict[str, int]:
    lists = requests.get(f"{url}/google-ads/_sandbox/user_lists", timeout=5).json()["user_lists"]
    return {user_list["name"]: len(user_list["members"]) for user_list in lists.values()}


def test_memberships_are_uploaded_again_before_their_540_day_lifespan_ends(warehouse):
    renewed, neglected = (
        make_target("google_ads", name="renewed"),
        make_target("google_ads", name="neglected"),
    )
    day = 86_400
    with run_sandbox() as sandbox:
        for target in (renewed, neglected):
            sync_target(warehouse, target, google(sandbox.url))
        # 520 days later, for the sandbox and for the warehouse
        sandbox.control("POST", "/clock", {"advance_seconds": 520 * day})
        warehouse.execute(
            "update pipeline.audience_membership set confirmed_at = confirmed_at - interval '520 days'"
        )
        outcome = sync_target(warehouse, renewed, google(sandbox.url))
        assert (outcome.renewed, outcome.added, outcome.failed, outcome.counts["jobs_run"]) == (150, 0, 0, 1)
        assert sync_target(warehouse, renewed, google(sandbox.url)).requests == 0  # renewed: not due again
        sandbox.control("POST", "/clock", {"advance_seconds": 30 * day})
        assert list_sizes(sandbox.url) == {"renewed": 150, "neglected": 0}


def test_a_lifespan_google_does_not_accept_is_refused_with_the_limit(warehouse, sandbox_url):
    target = make_target("google_ads", {"membership_life_span": 10000}, name="forever")
    with pytest.raises(ValueError, match="membership_life_span must be 1 to 540 days"):
        sync_target(warehouse, target, google(sandbox_url))
