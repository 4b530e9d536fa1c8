"""Against the full sandbox and its shared fault injection (429, 5xx, timeouts, resets, truncated bodies):
repeated syncs converge to exactly the membership of a fault-free run, and the sync log says what happened."""

from __future__ import annotations

import hashlib

import pytest
import requests
from destination_helpers import make_target

from interaction_pipeline.destinations.braze import BrazeDestination
from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.google_ads import GoogleAdsDestination
from interaction_pipeline.destinations.meta import MetaDestination
from interaction_pipeline.destinations.webhook import WebhookDestination
from interaction_pipeline.http_client import RetryPolicy
from interaction_pipeline.sandbox.server import run_sandbox

pytestmark = pytest.mark.slow
POLICY = RetryPolicy(attempts=3, backoff=0.01, backoff_max=0.05)
KINDS = ["429", "500", "502", "503", "timeout", "reset", "truncate"]


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def destinations(url: str):
    return {
        "meta": lambda: MetaDestination(f"{url}/meta", "t", "act_1", timeout=0.5, policy=POLICY),
        "google_ads": lambda: GoogleAdsDestination(
            f"{url}/google-ads", "d", "t", "1", timeout=0.5, policy=POLICY, poll_seconds=0.01
        ),
        "braze": lambda: BrazeDestination(f"{url}/braze", "k", timeout=0.5, policy=POLICY),
        "webhook": lambda: WebhookDestination(
            f"{url}/webhook/audiences", "sandbox", timeout=0.5, policy=POLICY
        ),
    }


def held(url: str, destination: str, remote_id: str | None) -> set[str]:
    if destination == "meta":
        audience = requests.get(f"{url}/meta/_sandbox/audiences", timeout=5).json()["audiences"][remote_id]
        return {m["EMAIL"] for m in audience["members"]}
    if destination == "google_ads":
        lists = requests.get(f"{url}/google-ads/_sandbox/user_lists", timeout=5).json()["user_lists"]
        return {e["hashedEmail"] for m in lists[remote_id]["members"] for e in m if "hashedEmail" in e}
    if destination == "braze":
        return {sha(e) for e in requests.get(f"{url}/braze/_sandbox/state", timeout=5).json()["blocklist"]}
    members = requests.get(f"{url}/webhook/_sandbox/received", timeout=5).json()["audiences"]["test"]
    return {sha(f"person.{m.removeprefix('u')}@example.com") for m in members}


@pytest.mark.parametrize("destination", ["meta", "google_ads", "braze", "webhook"])
def test_syncs_under_random_faults_converge_to_the_clean_membership(destination, warehouse):
    # Small batches: many requests, so the seeded faults hit several of them.
    options = {
        "meta": {"batch_size": 10},
        "google_ads": {"identifiers_per_call": 10},
        "braze": {"mode": "blocklist"},
        "webhook": {"batch_size": 10},
    }[destination]
    target = make_target(destination, options, identifiers=["email"])
    with run_sandbox(seed=7) as sandbox:
        prefix = "/google-ads" if destination == "google_ads" else f"/{destination}"
        sandbox.faults.configure({prefix: {"rate": 0.3, "kinds": KINDS, "retry_after": 0, "delay": 1.0}})
        outcomes = [sync_target(warehouse, target, destinations(sandbox.url)[destination]())]
        while outcomes[-1].failed and len(outcomes) < 8:
            outcomes.append(sync_target(warehouse, target, destinations(sandbox.url)[destination]()))
        sandbox.faults.configure({})
        assert outcomes[-1].failed == 0
        remote = warehouse.execute(
            "select remote_id from pipeline.audience_remote_lists where destination = ?", [destination]
        ).fetchall()
        assert held(sandbox.url, destination, remote[0][0] if remote else None) == {
            sha(f"person.{i}@example.com") for i in range(150)
        }
        final = sync_target(warehouse, target, destinations(sandbox.url)[destination]())
        assert final.requests == 0
    retried = warehouse.execute(
        "select count(*) from pipeline.audience_sync_log where status in ('retried', 'failed')"
    ).fetchall()[0][0]
    assert retried > 0
