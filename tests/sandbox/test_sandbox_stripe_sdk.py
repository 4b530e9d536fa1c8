"""Stripe's own Python SDK, given only the sandbox's base address, works as against Stripe."""

from __future__ import annotations

from itertools import islice

import pytest
import stripe

from interaction_pipeline.sandbox.server import run_sandbox
from interaction_pipeline.sandbox.state import SANDBOX_STRIPE_KEY

pytestmark = pytest.mark.slow
CREATED = 1_700_000_000


@pytest.fixture
def sandbox():
    with run_sandbox(seed=9) as running:
        for i in range(25):
            running.control(
                "POST",
                "/objects/stripe/customers",
                {"id": f"cus_{i:03d}", "email": f"{i}@example.com", "created": CREATED + i},
            )
        yield running


def sdk(sandbox, api_key: str = SANDBOX_STRIPE_KEY, retries: int = 0) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key, base_addresses={"api": f"{sandbox.url}/stripe"}, max_network_retries=retries
    )


def customer_ids(listing) -> list[str]:
    # Bounded, so a sandbox that ignored a cursor would fail here instead of paging forever.
    return [customer.id for customer in islice(listing.auto_paging_iter(), 1_000)]


def test_auto_paging_lists_every_customer_newest_first_in_pages_of_the_limit(sandbox):
    sandbox.control("DELETE", "/requests")

    ids = customer_ids(sdk(sandbox).v1.customers.list({"limit": 10}))

    assert ids == [f"cus_{i:03d}" for i in reversed(range(25))]
    assert sandbox.control("GET", "/requests")["/stripe/v1/customers"] == 3


def test_auto_paging_from_ending_before_walks_back_to_the_newest_customer_and_stops(sandbox):
    listing = sdk(sandbox).v1.customers.list({"limit": 10, "ending_before": "cus_005"})

    # The first page is the ten customers just newer than cus_005, still newest first.
    assert [customer.id for customer in listing.data] == [f"cus_{i:03d}" for i in range(15, 5, -1)]
    assert listing.has_more
    assert customer_ids(listing) == [f"cus_{i:03d}" for i in range(6, 25)]


def test_created_ranges_and_starting_after_narrow_the_list(sandbox):
    client = sdk(sandbox)

    recent = client.v1.customers.list({"created": {"gte": CREATED + 20}, "limit": 100})
    older = client.v1.customers.list(
        {"created": {"lt": CREATED + 20}, "starting_after": "cus_010", "limit": 3}
    )

    assert [c.id for c in recent.data] == ["cus_024", "cus_023", "cus_022", "cus_021", "cus_020"]
    assert [c.id for c in older.data] == ["cus_009", "cus_008", "cus_007"] and older.has_more


def test_event_type_filters_sent_as_the_sdk_encodes_arrays_return_only_those_types(sandbox):
    sandbox.control("PATCH", "/objects/stripe/customers/cus_001", {"name": "One"})
    sandbox.control("DELETE", "/objects/stripe/customers/cus_002")
    product = sandbox.control("POST", "/objects/stripe/products", {"name": "Plan"})
    sandbox.control("PATCH", f"/objects/stripe/products/{product['id']}", {"name": "Plan 2"})
    client = sdk(sandbox)

    chosen = client.v1.events.list({"types": ["customer.updated", "customer.deleted"]})
    wildcard = client.v1.events.list({"type": "product.*"})

    assert [(e.type, e.data.object.id) for e in chosen.data] == [
        ("customer.deleted", "cus_002"),
        ("customer.updated", "cus_001"),
    ]
    assert [e.type for e in wildcard.data] == ["product.updated", "product.created"]
    assert client.v1.events.retrieve(chosen.data[0].id).type == "customer.deleted"


def test_a_deleted_customer_is_retrieved_as_deleted_while_a_deleted_product_is_gone(sandbox):
    product = sandbox.control("POST", "/objects/stripe/products", {"name": "Plan"})
    sandbox.control("DELETE", "/objects/stripe/customers/cus_003")
    sandbox.control("DELETE", f"/objects/stripe/products/{product['id']}")
    client = sdk(sandbox)

    customer = client.v1.customers.retrieve("cus_003")

    assert (customer.id, customer.object, customer.deleted) == ("cus_003", "customer", True)
    assert "cus_003" not in customer_ids(client.v1.customers.list({"limit": 100}))
    with pytest.raises(stripe.InvalidRequestError) as gone:
        client.v1.products.retrieve(product["id"])
    assert (gone.value.http_status, gone.value.code, gone.value.param) == (404, "resource_missing", "id")


def test_bad_keys_missing_permissions_and_bad_cursors_become_the_sdks_own_errors(sandbox):
    with pytest.raises(stripe.AuthenticationError) as unauthenticated:
        sdk(sandbox, api_key="sk_test_wrong").v1.customers.list()
    sandbox.control("PUT", "/permissions", {"stripe": ["invoices"]})
    with pytest.raises(stripe.PermissionError):
        sdk(sandbox).v1.invoices.list()
    with pytest.raises(stripe.InvalidRequestError) as both_cursors:
        sdk(sandbox).v1.customers.list({"starting_after": "cus_001", "ending_before": "cus_009"})

    assert unauthenticated.value.http_status == 401
    assert "only specify one" in both_cursors.value.user_message


def test_a_rate_limited_request_raises_rate_limit_error_with_retry_after_and_is_not_retried(sandbox):
    sandbox.control(
        "PUT", "/faults", {"rules": {"/stripe/v1": {"rate": 1.0, "kinds": ["429"], "retry_after": 7}}}
    )
    sandbox.control("DELETE", "/requests")

    with pytest.raises(stripe.RateLimitError) as limited:
        sdk(sandbox, retries=2).v1.customers.list()

    assert limited.value.http_status == 429 and limited.value.headers["Retry-After"] == "7"
    assert sandbox.control("GET", "/requests")["stripe"] == 1


def test_the_sdk_retries_a_server_error_and_gets_the_object(sandbox):
    # With seed 4 the first draw at rate 0.5 fails and the second passes.
    sandbox.control(
        "PUT", "/faults", {"seed": 4, "rules": {"/stripe/v1/customers/": {"rate": 0.5, "kinds": ["503"]}}}
    )

    customer = sdk(sandbox, retries=2).v1.customers.retrieve("cus_007")

    assert customer.email == "7@example.com"
    assert sandbox.control("GET", "/faults")["injected"] == {"503": 1}
