"""Salesforce stand-in state: Account, Contact, Lead and Opportunity records and open query cursors.

Records carry ``attributes``, an 18-character ``Id``, ``SystemModstamp`` (``2026-11-29T10:15:00.123+0000``)
and ``IsDeleted``. Every change stamps ``SystemModstamp`` later than any earlier change, so
``SystemModstamp > checkpoint ORDER BY SystemModstamp`` sees each change once. Deletes are soft: ``IsDeleted``
becomes true and only ``queryAll`` returns the record.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime

from interaction_pipeline.sandbox.ordered import OrderedObjects
from interaction_pipeline.sandbox.salesforce import versions
from interaction_pipeline.sandbox.state import (
    SANDBOX_SALESFORCE_CLIENT_ID,
    SANDBOX_SALESFORCE_CLIENT_SECRET,
    Clock,
)
from interaction_pipeline.sandbox.stripe.store import SandboxError

ID_PREFIXES = {"Account": "001", "Contact": "003", "Lead": "00Q", "Opportunity": "006"}
MAX_OPEN_CURSORS = 50
STANDARD_FIELDS = ["Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp"]


def format_stamp(millis: int) -> str:
    moment = datetime.fromtimestamp(millis / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}+0000"


def parse_stamp(value: str) -> int:
    """Milliseconds since the epoch from a Salesforce or ISO-8601 datetime literal."""
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        return int(datetime.fromisoformat(text).timestamp() * 1000 + 0.5)
    except ValueError as failure:
        raise SandboxError(400, f"invalid datetime literal {value!r}", "MALFORMED_QUERY") from failure


def _by_modstamp(record: dict, seq: int) -> tuple:
    return (record["_stamp"], seq)


class SalesforceStore:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.client_id, self.client_secret = SANDBOX_SALESFORCE_CLIENT_ID, SANDBOX_SALESFORCE_CLIENT_SECRET
        self.tokens: set[str] = set()
        self.api_requests = 0
        self.records = {name: OrderedObjects(_by_modstamp) for name in ID_PREFIXES}
        self.cursors: dict[str, list[dict]] = {}
        self._last_stamp = 0
        self._ids = itertools.count(1)
        self._locators = itertools.count(1)

    # -- ObjectVendor protocol ---------------------------------------------------------------------------
    def collections(self) -> list[str]:
        return list(ID_PREFIXES)

    def list_objects(self, collection: str) -> list[dict]:
        records = self._type(collection)
        return [_public(records.objects[i]) for i in records.order()]

    def seed(self, collection: str, objects: list[dict]) -> None:
        records = self._type(collection)
        for record in objects:
            stamp = parse_stamp(record["SystemModstamp"])
            self._last_stamp = max(self._last_stamp, stamp)
            records.put(record["Id"], {**record, "_stamp": stamp})

    def create(self, collection: str, fields: dict) -> dict:
        records = self._type(collection)
        record_id = fields.get("Id") or f"{ID_PREFIXES[collection]}SBX{next(self._ids):012d}"
        if record_id in records.objects:
            raise SandboxError(400, f"duplicate Id {record_id}")
        stamp = self._next_stamp()
        record = {
            "attributes": {
                "type": collection,
                "url": f"/services/data/{versions.newest()}/sobjects/{collection}/{record_id}",
            },
            "Id": record_id,
            "IsDeleted": False,
            "CreatedDate": format_stamp(stamp),
            **fields,
        }
        return self._stamp_and_store(collection, record, stamp)

    def update(self, collection: str, object_id: str, fields: dict) -> dict:
        record = self._get(collection, object_id)
        return self._stamp_and_store(collection, {**record, **fields, "Id": object_id}, self._next_stamp())

    def delete(self, collection: str, object_id: str) -> dict:
        return self.update(collection, object_id, {"IsDeleted": True})

    # -- queries -------------------------------------------------------------------------------------------
    def describe(self, collection: str) -> list[str]:
        records = self._type(collection)
        fields = dict.fromkeys(STANDARD_FIELDS)
        for record in records.objects.values():
            fields.update(dict.fromkeys(k for k in record if k not in ("attributes", "_stamp")))
        return list(fields)

    def run_query(
        self, collection: str, matches: Callable[[dict], bool], include_deleted: bool, limit: int | None
    ) -> list[dict]:
        """Records in ``SystemModstamp`` order that ``matches`` accepts (``_stamp`` holds it parsed)."""
        records = self._type(collection)
        result = []
        for record_id in records.order():
            record = records.objects[record_id]
            if (record.get("IsDeleted") and not include_deleted) or not matches(record):
                continue
            result.append(record)
            if limit is not None and len(result) >= limit:
                break
        return result

    def get(self, collection: str, object_id: str) -> dict:
        """One record as ``sobjects/<type>/<id>`` returns it; deleted records are gone from there."""
        record = self._get(collection, object_id)
        if record.get("IsDeleted"):
            raise SandboxError(404, "entity is deleted", "ENTITY_IS_DELETED")
        return _public(record)

    def deleted_between(self, collection: str, start: int, end: int) -> list[dict]:
        """``{"id", "deletedDate"}`` for records deleted within [start, end] (milliseconds)."""
        records = self._type(collection)
        return [
            {"id": record["Id"], "deletedDate": record["SystemModstamp"]}
            for record in (records.objects[i] for i in records.order())
            if record.get("IsDeleted") and start <= record["_stamp"] <= end
        ]

    def open_cursor(self, records: list[dict]) -> str:
        locator = f"01gSBX{next(self._locators):09d}"
        self.cursors[locator] = records
        # A retried last batch must still be servable, so cursors outlive `done`; keep only the newest ones.
        while len(self.cursors) > MAX_OPEN_CURSORS:
            self.cursors.pop(next(iter(self.cursors)))
        return locator

    # -- helpers -------------------------------------------------------------------------------------------
    def _type(self, collection: str) -> OrderedObjects:
        if collection not in self.records:
            raise SandboxError(400, f"sObject type '{collection}' is not supported.", "INVALID_TYPE")
        return self.records[collection]

    def _get(self, collection: str, object_id: str) -> dict:
        record = self._type(collection).objects.get(object_id)
        if record is None:
            raise SandboxError(404, "The requested resource does not exist", "NOT_FOUND")
        return record

    def _next_stamp(self) -> int:
        self._last_stamp = max(int(self.clock.now() * 1000), self._last_stamp + 1)
        return self._last_stamp

    def _stamp_and_store(self, collection: str, record: dict, stamp: int) -> dict:
        text = format_stamp(stamp)
        stored = {**record, "LastModifiedDate": text, "SystemModstamp": text, "_stamp": stamp}
        self.records[collection].put(record["Id"], stored)
        return _public(stored)


def _public(record: dict) -> dict:
    return {key: value for key, value in record.items() if key != "_stamp"}
