"""A Stripe checkpoint older than the 30-day Events horizon triggers a full resync, reported as such."""

from __future__ import annotations

import pytest
from sources_helpers import FAST_HTTP, assert_table_matches_sandbox, populate

from interaction_pipeline.sources.stripe import StripeClient
from interaction_pipeline.sources.stripe_sync import sync_stripe_collection
from interaction_pipeline.sources.sync import parse_targets, sync_targets

pytestmark = pytest.mark.slow


def test_a_checkpoint_past_the_events_horizon_resyncs_in_full_and_catches_deletes(sandbox, warehouse):
    populate(sandbox.state, 5)
    stripe = sandbox.state.vendors["stripe"]
    sync_targets(warehouse, parse_targets("stripe/customers"), http_settings=FAST_HTTP)
    gone = stripe.list_objects("customers")[0]["id"]
    stripe.delete("customers", gone)
    # 31 days later the delete event has left the Events API.
    sandbox.control("POST", "/clock", {"advance_seconds": 31 * 86_400})
    stripe.create("customers", {"email": "late@example.com", "name": "Late"})

    (outcome,) = sync_targets(warehouse, parse_targets("stripe/customers"), http_settings=FAST_HTTP)

    metadata = outcome.report.metadata()
    assert metadata["mode"] == "full_resync" and metadata["full_resync"] is True
    assert "30-day" in metadata["resync_reason"]
    assert metadata["objects_deleted"] == 1
    assert_table_matches_sandbox(warehouse, sandbox.state, "stripe", "customers")
    assert warehouse.execute(
        "select is_deleted from raw_stripe.customers where id = ?", [gone]
    ).fetchone() == (True,)


def test_a_checkpoint_within_the_horizon_stays_incremental(sandbox, warehouse):
    populate(sandbox.state, 5)
    sync_targets(warehouse, parse_targets("stripe/customers"), http_settings=FAST_HTTP)
    sandbox.control("POST", "/clock", {"advance_seconds": 20 * 86_400})
    stripe = sandbox.state.vendors["stripe"]
    stripe.update("customers", stripe.list_objects("customers")[0]["id"], {"name": "Changed"})

    (outcome,) = sync_targets(warehouse, parse_targets("stripe/customers"), http_settings=FAST_HTTP)

    assert outcome.report.mode == "incremental" and outcome.report.records == 1
    assert_table_matches_sandbox(warehouse, sandbox.state, "stripe", "customers")


def test_a_backfill_interrupted_for_longer_than_the_horizon_starts_over(sandbox, warehouse):
    stripe = sandbox.state.vendors["stripe"]
    stripe.seed(
        "customers",
        [{"id": f"cus_{i:05d}", "object": "customer", "created": 1_700_000_000 + i} for i in range(1_500)],
    )

    def stop(report):
        raise RuntimeError("stopped")

    client = StripeClient(f"{sandbox.url}/stripe", stripe.api_key, FAST_HTTP)
    with pytest.raises(RuntimeError):
        sync_stripe_collection(warehouse, client, "customers", "sandbox", stop)
    sandbox.control("POST", "/clock", {"advance_seconds": 40 * 86_400})

    resumed = sync_stripe_collection(warehouse, client, "customers", "sandbox")

    assert resumed.mode == "full_resync" and resumed.records == 1_500
    assert_table_matches_sandbox(warehouse, sandbox.state, "stripe", "customers")
