"""Clear errors: bad credentials name the source and the setting; a forbidden collection stops only itself."""

from __future__ import annotations

import socket

import pytest
from sources_helpers import FAST_HTTP, populate

from interaction_pipeline.sources.http import SourceAuthError
from interaction_pipeline.sources.salesforce import SalesforceClient
from interaction_pipeline.sources.stripe import StripeClient
from interaction_pipeline.sources.sync import parse_targets, sync_collection, sync_targets
from interaction_pipeline.sources.zendesk import ZendeskClient

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("source", "make_client", "setting"),
    [
        ("stripe", lambda url: StripeClient(f"{url}/stripe", "sk_test_wrong", FAST_HTTP), "STRIPE_API_KEY"),
        (
            "zendesk",
            lambda url: ZendeskClient(f"{url}/zendesk", "me@example.com", "wrong", 0, FAST_HTTP),
            "ZENDESK_API_TOKEN",
        ),
        (
            "salesforce",
            lambda url: SalesforceClient(f"{url}/salesforce", "id", "wrong", FAST_HTTP),
            "SALESFORCE_CLIENT_SECRET",
        ),
    ],
)
def test_rejected_credentials_fail_with_the_source_and_the_setting_named(
    sandbox, warehouse, source, make_client, setting
):
    collection = {"stripe": "customers", "zendesk": "tickets", "salesforce": "accounts"}[source]
    with pytest.raises(SourceAuthError) as failure:
        sync_collection(warehouse, source, collection, make_client(sandbox.url), "sandbox")
    assert str(failure.value).startswith(f"{source}: authentication failed")
    assert setting in str(failure.value)


def test_an_authentication_failure_stops_that_source_after_one_request(sandbox, warehouse):
    populate(sandbox.state, 3)
    sandbox.state.vendors["stripe"].api_key = "sk_test_rotated"

    outcomes = sync_targets(warehouse, parse_targets(None), http_settings=FAST_HTTP)

    stripe = [outcome for outcome in outcomes if outcome.source == "stripe"]
    assert len(stripe) == 6 and all("STRIPE_API_KEY" in outcome.error for outcome in stripe)
    assert sandbox.state.requests["stripe"] == 1
    assert all(outcome.error is None for outcome in outcomes if outcome.source != "stripe")


def test_a_permission_error_on_one_collection_lets_the_others_sync(sandbox, warehouse):
    populate(sandbox.state, 3)
    sandbox.control(
        "PUT", "/permissions", {"stripe": ["invoices"], "zendesk": ["users"], "salesforce": ["Lead"]}
    )

    outcomes = {
        (o.source, o.collection): o
        for o in sync_targets(warehouse, parse_targets(None), http_settings=FAST_HTTP)
    }

    failed = {key for key, outcome in outcomes.items() if outcome.error}
    assert failed == {("stripe", "invoices"), ("zendesk", "users"), ("salesforce", "leads")}
    assert "permission denied for collection 'invoices'" in outcomes[("stripe", "invoices")].error
    assert all(outcomes[key].report.written == 3 for key in outcomes if key not in failed)


def test_half_configured_credentials_are_an_error_not_a_silent_sandbox(sandbox, warehouse, monkeypatch):
    monkeypatch.setenv("ZENDESK_EMAIL", "agent@example.com")

    (outcome,) = sync_targets(warehouse, parse_targets("zendesk/tickets"), http_settings=FAST_HTTP)

    assert "ZENDESK_SUBDOMAIN" in outcome.error and "ZENDESK_API_TOKEN" in outcome.error
    assert sandbox.state.requests["zendesk"] == 0


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="unknown source"):
        parse_targets("hubspot")
    with pytest.raises(ValueError, match="unknown stripe collection"):
        parse_targets("stripe/coupons")
    assert parse_targets("salesforce.leads") == [("salesforce", "leads")]


def test_no_sandbox_running_fails_each_source_at_once_with_the_fix(monkeypatch, pipeline_home, warehouse):
    for name in ("STRIPE_API_KEY", "ZENDESK_EMAIL", "SALESFORCE_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", f"http://127.0.0.1:{closed_port}")

    outcomes = sync_targets(warehouse, parse_targets(None), http_settings=FAST_HTTP)

    assert len(outcomes) == 13
    assert all("start it with `interaction-pipeline sandbox`" in outcome.error for outcome in outcomes)
