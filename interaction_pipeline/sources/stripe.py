"""Stripe client: list endpoints for backfills and the Events API for incremental changes.

Lists are newest first and page with ``starting_after`` (the last id of the previous page) while ``has_more``.
The API version is pinned so object shapes do not change under the sync when the account upgrades.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

from interaction_pipeline.sources.http import HttpClient, HttpSettings

STRIPE_VERSION = "2024-06-20"
PAGE_SIZE = 100
EVENTS_HORIZON_SECONDS = 30 * 86_400

# collection -> event types whose `data.object` is an object of that collection
EVENT_TYPES = {
    "customers": ["customer.created", "customer.updated", "customer.deleted"],
    "subscriptions": [
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.paused",
        "customer.subscription.resumed",
        "customer.subscription.pending_update_applied",
        "customer.subscription.pending_update_expired",
        "customer.subscription.trial_will_end",
    ],
    "invoices": [
        "invoice.created",
        "invoice.updated",
        "invoice.deleted",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_failed",
        "invoice.payment_succeeded",
        "invoice.voided",
        "invoice.marked_uncollectible",
        "invoice.sent",
    ],
    "charges": [
        "charge.succeeded",
        "charge.failed",
        "charge.pending",
        "charge.captured",
        "charge.updated",
        "charge.refunded",
        "charge.expired",
    ],
    "products": ["product.created", "product.updated", "product.deleted"],
    "prices": ["price.created", "price.updated", "price.deleted"],
}
# `customer.subscription.deleted` means canceled: the subscription still exists (status "canceled").
DELETED_EVENT_TYPES = {"customer.deleted", "invoice.deleted", "product.deleted", "price.deleted"}
COLLECTIONS = tuple(EVENT_TYPES)


class StripeClient:
    def __init__(self, base_url: str, api_key: str, http_settings: HttpSettings | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = HttpClient("stripe", "STRIPE_API_KEY", http_settings)
        self.http.session.headers.update(
            {"Authorization": f"Bearer {api_key}", "Stripe-Version": STRIPE_VERSION}
        )

    def list_pages(self, collection: str, starting_after: str | None = None) -> Iterator[list[dict]]:
        """Every object of a collection, one page (up to 100, newest first) at a time."""
        params: dict[str, str | int] = {"limit": PAGE_SIZE}
        if collection == "subscriptions":
            params["status"] = "all"  # the default hides canceled subscriptions
        while True:
            if starting_after:
                params["starting_after"] = starting_after
            page = self.http.get_json(f"{self.base_url}/v1/{collection}", params, collection=collection)
            data = page.get("data", [])
            if data:
                yield data
                starting_after = data[-1]["id"]
            if not page.get("has_more") or not data:
                return

    def events_since(self, collection: str, created_gte: int) -> list[dict]:
        """Events for one collection created at or after ``created_gte``, oldest first.

        The API pages newest first, so everything is collected before it is applied in order.
        """
        params: list[tuple[str, str | int]] = [("limit", PAGE_SIZE), ("created[gte]", created_gte)]
        params += [("types[]", event_type) for event_type in EVENT_TYPES[collection]]
        events: list[dict] = []
        starting_after = None
        while True:
            query = [*params, ("starting_after", starting_after)] if starting_after else params
            page = self.http.get_json(f"{self.base_url}/v1/events", query, collection=collection)
            data = page.get("data", [])
            events.extend(data)
            if not page.get("has_more") or not data:
                break
            starting_after = data[-1]["id"]
        events.reverse()
        return events

    def server_time(self) -> int:
        """Stripe's clock (from the ``Date`` header of a cheap request), for measuring the Events horizon."""
        self.http.get_json(f"{self.base_url}/v1/events", {"limit": 1}, collection="events")
        date = self.http.last_response.headers.get("Date") if self.http.last_response is not None else None
        # Without a Date header (a proxy may drop it) our own clock is the best estimate.
        return int(parsedate_to_datetime(date).timestamp()) if date else int(time.time())
