"""Stripe stand-in state: objects per collection and the event log that records every change.

Lists are newest first, like Stripe's. Every create, update and delete made through the control API appends an
event (``customer.updated``, ``customer.subscription.deleted``, ...) whose ``data.object`` is the object after
the change; the Events API serves the last 30 days of them. Seeded objects get no events: they predate any
sync, exactly like an account connected for the first time.
"""

from __future__ import annotations

import copy

from interaction_pipeline.sandbox.ordered import OrderedObjects
from interaction_pipeline.sandbox.state import SANDBOX_STRIPE_KEY, Clock

EVENTS_HORIZON_SECONDS = 30 * 86_400

# collection -> (object name, id prefix, event type prefix)
COLLECTIONS = {
    "customers": ("customer", "cus", "customer"),
    "subscriptions": ("subscription", "sub", "customer.subscription"),
    "invoices": ("invoice", "in", "invoice"),
    "charges": ("charge", "ch", "charge"),
    "products": ("product", "prod", "product"),
    "prices": ("price", "price", "price"),
}
# Deleting a subscription cancels it (it stays listable with status=all); charges cannot be deleted.
CANCEL_ON_DELETE = {"subscriptions"}
UNDELETABLE = {"charges"}
# Unlike other objects, a deleted customer can still be retrieved: as its id, object and `deleted: true`.
RETRIEVABLE_WHEN_DELETED = {"customers"}


def _newest_first(obj: dict, seq: int) -> tuple:
    return (obj.get("created", 0), seq)


class SandboxError(Exception):
    """A refusal with the status and message the vendor would send (and Stripe's ``code``/``param``)."""

    def __init__(self, status: int, message: str, code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param


class StripeStore:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.api_key = SANDBOX_STRIPE_KEY
        self.data = {name: OrderedObjects(_newest_first, reverse=True) for name in COLLECTIONS}
        self.events = OrderedObjects(_newest_first, reverse=True)
        self.deleted: dict[str, dict[str, dict]] = {name: {} for name in RETRIEVABLE_WHEN_DELETED}
        self._ids = 0

    # -- ObjectVendor protocol used by the control API -------------------------------------------------
    def collections(self) -> list[str]:
        return list(COLLECTIONS)

    def list_objects(self, collection: str) -> list[dict]:
        return [self.data[collection].objects[i] for i in self.data[collection].order()]

    def seed(self, collection: str, objects: list[dict]) -> None:
        store = self._collection(collection)
        for obj in objects:
            store.put(obj["id"], obj)

    def create(self, collection: str, fields: dict) -> dict:
        store = self._collection(collection)
        object_name, prefix, _ = COLLECTIONS[collection]
        obj = {
            "id": fields.get("id") or self._new_id(prefix),
            "object": object_name,
            "created": int(self.clock.now()),
            "livemode": False,
            **fields,
        }
        if obj["id"] in store.objects:
            raise SandboxError(400, f"{object_name} {obj['id']} already exists")
        store.put(obj["id"], obj)
        self._record(collection, "succeeded" if collection == "charges" else "created", obj)
        return obj

    def update(self, collection: str, object_id: str, fields: dict) -> dict:
        obj = self._get(collection, object_id)
        updated = {**obj, **fields, "id": object_id}
        self.data[collection].put(object_id, updated)
        self._record(collection, "updated", updated)
        return updated

    def delete(self, collection: str, object_id: str) -> dict:
        obj = self._get(collection, object_id)
        if collection in UNDELETABLE:
            raise SandboxError(400, f"{collection} cannot be deleted")
        if collection in CANCEL_ON_DELETE:
            now = int(self.clock.now())
            canceled = {**obj, "status": "canceled", "canceled_at": now, "ended_at": now}
            self.data[collection].put(object_id, canceled)
            self._record(collection, "deleted", canceled)
            return canceled
        self.data[collection].remove(object_id)
        self._record(collection, "deleted", obj)
        tombstone = {"id": object_id, "object": obj["object"], "deleted": True}
        if collection in RETRIEVABLE_WHEN_DELETED:
            self.deleted[collection][object_id] = tombstone
        return tombstone

    def retrieve(self, collection: str, object_id: str) -> dict:
        """The object as ``GET /v1/<collection>/<id>`` answers it, deleted customers included."""
        tombstones = self.deleted.get(collection, {})
        if object_id in tombstones and object_id not in self._collection(collection).objects:
            return tombstones[object_id]
        return self._get(collection, object_id)

    # -- helpers ---------------------------------------------------------------------------------------
    def visible_events_since(self) -> float:
        return self.clock.now() - EVENTS_HORIZON_SECONDS

    def _collection(self, collection: str) -> OrderedObjects:
        if collection not in self.data:
            raise SandboxError(404, f"unknown Stripe collection {collection!r}")
        return self.data[collection]

    def _get(self, collection: str, object_id: str) -> dict:
        obj = self._collection(collection).objects.get(object_id)
        if obj is None:
            raise SandboxError(
                404, f"No such {COLLECTIONS[collection][0]}: '{object_id}'", "resource_missing", "id"
            )
        return obj

    def _new_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}_sbx{self._ids:010d}"

    def _record(self, collection: str, action: str, obj: dict) -> None:
        event_id = self._new_id("evt")
        event_type = f"{COLLECTIONS[collection][2]}.{action}"
        event = {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(self.clock.now()),
            "livemode": False,
            "data": {"object": copy.deepcopy(obj)},
        }
        self.events.put(event_id, event)
