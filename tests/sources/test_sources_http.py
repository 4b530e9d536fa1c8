"""The shared HTTP layer: Retry-After is honoured, broken bodies are fetched again, limits and give-ups."""

from __future__ import annotations

import time

import pytest
from sources_helpers import FAST_HTTP

from interaction_pipeline.sandbox.state import SANDBOX_STRIPE_KEY
from interaction_pipeline.sources.http import SourceError
from interaction_pipeline.sources.stripe import StripeClient
from interaction_pipeline.sources.zendesk import RequestSpacer

pytestmark = pytest.mark.slow


def customers_client(sandbox) -> StripeClient:
    sandbox.control("POST", "/objects/stripe/customers", {"email": "a@example.com"})
    return StripeClient(f"{sandbox.url}/stripe", SANDBOX_STRIPE_KEY, FAST_HTTP)


def test_retry_after_is_waited_out_before_retrying(sandbox):
    client = customers_client(sandbox)
    sandbox.control(
        "PUT",
        "/faults",
        {"seed": 3, "rules": {"/stripe/v1/customers": {"rate": 0.5, "kinds": ["429"], "retry_after": 1}}},
    )
    started = time.monotonic()
    pages = [page for _ in range(4) for page in client.list_pages("customers")]
    elapsed = time.monotonic() - started
    throttled = sandbox.control("GET", "/faults")["injected"]["429"]
    assert len(pages) == 4 and throttled >= 1
    assert elapsed >= throttled * 0.95


@pytest.mark.parametrize("kind", ["truncate", "reset"])
def test_broken_bodies_are_fetched_again(sandbox, kind):
    client = customers_client(sandbox)
    sandbox.control(
        "PUT", "/faults", {"seed": 1, "rules": {"/stripe/v1/customers": {"rate": 0.5, "kinds": [kind]}}}
    )
    pages = [page for _ in range(6) for page in client.list_pages("customers")]
    assert len(pages) == 6
    assert sandbox.control("GET", "/faults")["injected"][kind] >= 1
    assert client.http.stats.body_retries >= 1


def test_a_vendor_that_keeps_failing_ends_in_an_error_naming_the_source(sandbox):
    client = customers_client(sandbox)
    sandbox.control(
        "PUT", "/faults", {"rules": {"/stripe/v1/customers": {"rate": 1.0, "kinds": ["truncate"]}}}
    )
    with pytest.raises(
        SourceError, match=r"^stripe: GET .*/v1/customers failed after 10 attempts: invalid JSON"
    ):
        list(client.list_pages("customers"))


def test_the_request_spacer_keeps_to_its_budget():
    spacer = RequestSpacer(per_minute=3, window=0.4)
    started = time.monotonic()
    for _ in range(7):
        spacer.wait()
    assert time.monotonic() - started >= 0.8
    unlimited = RequestSpacer(per_minute=0)
    started = time.monotonic()
    for _ in range(100):
        unlimited.wait()
    assert time.monotonic() - started < 0.5
