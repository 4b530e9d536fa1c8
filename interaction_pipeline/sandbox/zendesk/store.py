"""Zendesk stand-in state: tickets, users and organizations in change order, for the incremental export.

Each object has a change position ``(updated second, change sequence)``; every change moves it to the end.
An export cursor is an opaque token for a position and a direction, so resuming from ``after_cursor`` never
skips or repeats a change, and ``before_cursor`` walks back through the earlier ones. Deletes follow Zendesk:
a ticket gets ``status: "deleted"``, a user ``active: false``, an organization a ``deleted_at``; all of them
stay in the export, while the show endpoints no longer find deleted tickets and organizations.
"""

from __future__ import annotations

import base64
import bisect
from dataclasses import dataclass
from datetime import UTC, datetime

from interaction_pipeline.sandbox.state import SANDBOX_ZENDESK_EMAIL, SANDBOX_ZENDESK_TOKEN, Clock
from interaction_pipeline.sandbox.stripe.store import SandboxError

COLLECTIONS = ("tickets", "users", "organizations")
# Items changed within the last minute are excluded from incremental exports.
FRESHNESS_EXCLUSION_SECONDS = 60


def iso(moment: float) -> str:
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def encode_cursor(position: tuple[int, int], backwards: bool = False) -> str:
    """An opaque cursor: the changes after ``position``, or with ``backwards`` the ones before it."""
    text = f"{'b' if backwards else 'a'}:{position[0]}:{position[1]}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[tuple[int, int], bool]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        direction, updated, seq = text.split(":")
        if direction not in ("a", "b"):
            raise ValueError(direction)
        return (int(updated), int(seq)), direction == "b"
    except (ValueError, UnicodeDecodeError) as failure:
        raise SandboxError(400, "invalid cursor") from failure


@dataclass(frozen=True)
class ExportPage:
    items: list[dict]
    after_cursor: str
    before_cursor: str | None  # None when nothing changed before the page
    end_of_stream: bool


class ZendeskStore:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.email, self.token = SANDBOX_ZENDESK_EMAIL, SANDBOX_ZENDESK_TOKEN
        self.objects: dict[str, dict[int, dict]] = {name: {} for name in COLLECTIONS}
        # collection -> sorted list of (updated second, sequence, id); position of each id
        self.changes: dict[str, list[tuple[int, int, int]]] = {name: [] for name in COLLECTIONS}
        self.position: dict[str, dict[int, tuple[int, int, int]]] = {name: {} for name in COLLECTIONS}
        self._seq = 0

    # -- ObjectVendor protocol ---------------------------------------------------------------------------
    def collections(self) -> list[str]:
        return list(COLLECTIONS)

    def list_objects(self, collection: str) -> list[dict]:
        objects = self._collection(collection)
        return [objects[key[2]] for key in self.changes[collection]]

    def seed(self, collection: str, objects: list[dict]) -> None:
        """Add many objects at once (one sort instead of one insertion each)."""
        changes, position, stored = (
            self.changes[collection],
            self.position[collection],
            self.objects[collection],
        )
        for obj in objects:
            if obj["id"] in stored:
                self._put(collection, obj, parse_iso(obj["updated_at"]))
                continue
            self._seq += 1
            updated = parse_iso(obj["updated_at"])
            key = (updated, self._seq, obj["id"])
            changes.append(key)
            position[obj["id"]] = key
            stored[obj["id"]] = {**obj, "generated_timestamp": updated}
        changes.sort()

    def create(self, collection: str, fields: dict) -> dict:
        objects = self._collection(collection)
        now = self.clock.now()
        object_id = int(fields.get("id") or max(objects, default=0) + 1)
        if object_id in objects:
            raise SandboxError(422, f"{collection} {object_id} already exists")
        obj = {"id": object_id, "created_at": iso(now), **fields, "updated_at": iso(now)}
        obj["id"] = object_id
        self._put(collection, obj, int(now))
        return obj

    def update(self, collection: str, object_id, fields: dict) -> dict:
        obj = self._get(collection, object_id)
        now = self.clock.now()
        updated = {**obj, **fields, "id": obj["id"], "updated_at": iso(now)}
        self._put(collection, updated, int(now))
        return updated

    def delete(self, collection: str, object_id) -> dict:
        now = iso(self.clock.now())
        marks = {
            "tickets": {"status": "deleted"},
            "users": {"active": False},
            "organizations": {"deleted_at": now},
        }
        return self.update(collection, object_id, marks[collection])

    # -- incremental export --------------------------------------------------------------------------------
    def export(
        self, collection: str, start_time: int | None, cursor: str | None, per_page: int
    ) -> ExportPage:
        """One page of the cursor-based export, from ``start_time`` or either way from a cursor."""
        changes = self.changes[collection]
        backwards = False
        if cursor is not None:
            position, backwards = decode_cursor(cursor)
        else:
            position = (int(start_time or 0), -1)
        if backwards:
            # The `per_page` changes just before the position, still in change order.
            stop = bisect.bisect_left(changes, position)
            start = max(0, stop - per_page)
        else:
            start = bisect.bisect_right(changes, (position[0], position[1], float("inf")))
            stop = min(len(changes), start + per_page)
        cutoff = int(self.clock.now()) - FRESHNESS_EXCLUSION_SECONDS
        end = start
        while end < stop and changes[end][0] <= cutoff:
            end += 1
        objects = self.objects[collection]
        items = [objects[key[2]] for key in changes[start:end]]
        after = changes[end - 1][:2] if end > start else position
        before = changes[start][:2] if end > start else position
        return ExportPage(
            items=items,
            after_cursor=encode_cursor(after),
            before_cursor=encode_cursor(before, backwards=True) if start > 0 else None,
            # Going backwards, the changes after the page are still to come.
            end_of_stream=not backwards and (end >= len(changes) or changes[end][0] > cutoff),
        )

    def export_by_time(self, collection: str, start_time: int, per_page: int):
        """(items, end_time, end_of_stream) for the time-based export: changes at ``start_time`` or later."""
        changes = self.changes[collection]
        start = bisect.bisect_left(changes, (start_time, -1, -1))
        cutoff = int(self.clock.now()) - FRESHNESS_EXCLUSION_SECONDS
        end = start
        while end < len(changes) and end - start < per_page and changes[end][0] <= cutoff:
            end += 1
        objects = self.objects[collection]
        items = [objects[key[2]] for key in changes[start:end]]
        end_time = changes[end - 1][0] if items else start_time
        return items, end_time, len(items) < per_page

    # -- helpers -------------------------------------------------------------------------------------------
    def _collection(self, collection: str) -> dict[int, dict]:
        if collection not in self.objects:
            raise SandboxError(404, f"unknown Zendesk collection {collection!r}")
        return self.objects[collection]

    def show(self, collection: str, object_id: int) -> dict:
        """One object as the show endpoint returns it; deleted tickets and organizations are not found."""
        obj = self._get(collection, object_id)
        if obj.get("status") == "deleted" or obj.get("deleted_at"):
            raise SandboxError(404, "RecordNotFound")
        return {key: value for key, value in obj.items() if key != "generated_timestamp"}

    def _get(self, collection: str, object_id) -> dict:
        obj = self._collection(collection).get(int(object_id))
        if obj is None:
            raise SandboxError(404, "RecordNotFound")
        return obj

    def _put(self, collection: str, obj: dict, updated: int) -> None:
        changes, position = self.changes[collection], self.position[collection]
        old = position.get(obj["id"])
        if old is not None:
            del changes[bisect.bisect_left(changes, old)]
        self._seq += 1
        key = (updated, self._seq, obj["id"])
        if changes and changes[-1] > key:
            bisect.insort(changes, key)
        else:
            changes.append(key)
        position[obj["id"]] = key
        self.objects[collection][obj["id"]] = {**obj, "generated_timestamp": updated}
