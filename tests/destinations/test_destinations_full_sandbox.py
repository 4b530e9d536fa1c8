"""Against the full sandbox and its shared fault injection (429, 5xx, timeouts, resets, truncated bodies):
repeated syncs converge to exactly the membership of a fault-free run, and the sync log says what happened."""

from __future__ import annotations

import pytest
from destination_helpers import client, held, make_target, remote_id, sha

from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.http_client import RetryPolicy
from interaction_pipeline.sandbox.server import run_sandbox

pytestmark = pytest.mark.slow
POLICY = RetryPolicy(attempts=3, backoff=0.01, backoff_max=0.05)
KINDS = ["429", "500", "502", "503", "timeout", "reset", "truncate"]


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

        def sync():
            return sync_target(
                warehouse, target, client(sandbox.url, destination, timeout=0.5, policy=POLICY)
            )

        outcomes = [sync()]
        while outcomes[-1].failed and len(outcomes) < 8:
            outcomes.append(sync())
        sandbox.faults.configure({})
        assert outcomes[-1].failed == 0
        assert held(sandbox.url, destination, remote_id(warehouse, destination)) == {
            sha(f"person.{i}@example.com") for i in range(150)
        }
        # Never checked since the faults: one cheap read finds the destination holds what it confirmed.
        final = sync()
        assert (final.drift, final.to_add, final.to_remove, final.full_refresh) == (None, 0, 0, False)
        assert sync().requests == 0
    retried = warehouse.execute(
        "select count(*) from pipeline.audience_sync_log where status in ('retried', 'failed')"
    ).fetchall()[0][0]
    assert retried > 0
