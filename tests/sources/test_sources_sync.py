"""Full sync, changes in the sandbox, incremental sync: tables equal the vendors' state; only changes move."""

from __future__ import annotations

import pytest
from sources_helpers import ALL_COLLECTIONS, FAST_HTTP, assert_table_matches_sandbox, make_changes, populate

from interaction_pipeline.sources.sync import parse_targets, sync_targets

pytestmark = pytest.mark.slow


def test_full_then_incremental_sync_mirrors_every_collection_and_fetches_only_changes(sandbox, warehouse):
    populate(sandbox.state, 30)

    first = sync_targets(warehouse, parse_targets(None), http_settings=FAST_HTTP)
    assert [outcome.error for outcome in first] == [None] * len(ALL_COLLECTIONS)
    assert {outcome.report.mode for outcome in first} == {"full"}
    assert all(outcome.report.endpoint == "sandbox" for outcome in first)
    for source, collection in ALL_COLLECTIONS:
        assert_table_matches_sandbox(warehouse, sandbox.state, source, collection)

    expected_changes = make_changes(sandbox.state)
    second = sync_targets(warehouse, parse_targets(None), http_settings=FAST_HTTP)
    assert [outcome.error for outcome in second] == [None] * len(ALL_COLLECTIONS)
    for outcome in second:
        assert outcome.report.mode == "incremental"
        assert outcome.report.records == expected_changes[(outcome.source, outcome.collection)], outcome
    for source, collection in ALL_COLLECTIONS:
        assert_table_matches_sandbox(warehouse, sandbox.state, source, collection)

    deleted = warehouse.execute("select count(*) from raw_stripe.customers where is_deleted").fetchone()[0]
    canceled = warehouse.execute(
        "select status, canceled_at is not null, is_deleted from raw_stripe.subscriptions "
        "where status = 'canceled'"
    ).fetchall()
    assert deleted == 1
    assert canceled == [("canceled", True, False)]


def test_a_sync_with_nothing_changed_writes_nothing(sandbox, warehouse):
    populate(sandbox.state, 5)
    sync_targets(warehouse, parse_targets(None), http_settings=FAST_HTTP)
    sandbox.control("DELETE", "/requests")

    again = sync_targets(warehouse, parse_targets(None), http_settings=FAST_HTTP)

    assert all(outcome.report.records == 0 and outcome.report.written == 0 for outcome in again)
    # Stripe: one clock read plus one events page per collection; Zendesk: one export page; Salesforce: one
    # token, one describe and one query per collection.
    counts = sandbox.control("GET", "/requests")
    assert counts["stripe"] == 12
    assert counts["zendesk"] == 3
    assert counts["salesforce"] == 1 + 4 * 2


def test_pagination_reads_thousands_of_objects_100_per_page(sandbox, warehouse):
    stripe = sandbox.state.vendors["stripe"]
    stripe.seed(
        "customers",
        [
            {
                "id": f"cus_{i:06d}",
                "object": "customer",
                "created": 1_700_000_000 + i,
                "email": f"p{i}@example.com",
                "name": None,
            }
            for i in range(2_550)
        ],
    )
    zendesk = sandbox.state.vendors["zendesk"]
    zendesk.seed(
        "tickets",
        [
            {
                "id": i,
                "status": "open",
                "subject": f"t{i}",
                "created_at": "2026-01-01T00:00:00Z",
                "updated_at": f"2026-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
            }
            for i in range(1, 2_501)
        ],
    )

    outcomes = sync_targets(
        warehouse, [("stripe", "customers"), ("zendesk", "tickets")], http_settings=FAST_HTTP
    )

    stripe_report, zendesk_report = (outcome.report for outcome in outcomes)
    assert stripe_report.pages == 26 and stripe_report.records == 2_550
    assert sandbox.state.requests["/stripe/v1/customers"] == 26
    assert zendesk_report.pages == 3 and zendesk_report.records == 2_500
    assert (
        warehouse.execute("select count(distinct id), min(created) from raw_stripe.customers").fetchone()[0]
        == 2_550
    )
    assert_table_matches_sandbox(warehouse, sandbox.state, "stripe", "customers")
    assert_table_matches_sandbox(warehouse, sandbox.state, "zendesk", "tickets")


def test_a_sandbox_seeded_from_the_demo_story_syncs_into_equal_tables(monkeypatch, pipeline_home, warehouse):
    from interaction_pipeline.sandbox.server import run_sandbox

    with run_sandbox(seed=42, size=300) as seeded:
        monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", seeded.url)
        seeded.state.clock.offset_seconds += 120
        outcomes = sync_targets(warehouse, parse_targets(None), http_settings=FAST_HTTP)
        assert [outcome.error for outcome in outcomes] == [None] * len(ALL_COLLECTIONS)
        assert sum(outcome.report.written for outcome in outcomes) > 1_000
        for source, collection in ALL_COLLECTIONS:
            assert_table_matches_sandbox(warehouse, seeded.state, source, collection)
