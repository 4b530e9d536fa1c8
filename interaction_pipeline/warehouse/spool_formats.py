"""How each spool kind maps onto its warehouse table: the typed `read_json` columns and the select list.

Columns are declared explicitly, so `read_json` never guesses types from a sample and a field the collector
adds later is simply not loaded until it is declared here. Timestamps are read as TIMESTAMPTZ and converted to
naive UTC, so an offset other than `Z` is honoured instead of being dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from interaction_pipeline.warehouse.schema import MESSAGES_TABLE, REJECTS_TABLE

SOURCE_STRUCT = "STRUCT(name VARCHAR, kind VARCHAR)"


@dataclass(frozen=True)
class SpoolFormat:
    kind: str
    table: str
    read_columns: dict[str, str]
    select_list: str  # aliased expressions over the read_json columns, in the table's column order
    deduplicate: bool
    line_problem: Callable[[dict], str | None]

    def columns_literal(self) -> str:
        fields = ", ".join(f"'{name}': '{sql_type}'" for name, sql_type in self.read_columns.items())
        return "{" + fields + "}"


def _utc(column: str, alias: str) -> str:
    return f"(\"{column}\" at time zone 'UTC') as {alias}"


def _timestamp_problem(message: dict, fields: tuple[str, ...]) -> str | None:
    for field in fields:
        value = message.get(field)
        if value is None:
            continue
        try:
            datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return f"{field} is not an ISO-8601 timestamp: {value!r}"
    return None


def _source_problem(message: dict) -> str | None:
    source = message.get("_source")
    if source is not None and not isinstance(source, dict):
        return f"_source is not an object: {source!r}"
    return None


def _message_problem(message: dict) -> str | None:
    message_id = message.get("messageId")
    if not isinstance(message_id, str) or not message_id:
        return "messageId is missing"
    return _source_problem(message) or _timestamp_problem(
        message, ("timestamp", "originalTimestamp", "sentAt", "receivedAt")
    )


def _reject_problem(reject: dict) -> str | None:
    return _source_problem(reject) or _timestamp_problem(reject, ("receivedAt",))


EVENTS = SpoolFormat(
    kind="events",
    table=MESSAGES_TABLE,
    read_columns={
        "messageId": "VARCHAR",
        "type": "VARCHAR",
        "event": "VARCHAR",
        "name": "VARCHAR",
        "userId": "VARCHAR",
        "anonymousId": "VARCHAR",
        "groupId": "VARCHAR",
        "previousId": "VARCHAR",
        "_source": SOURCE_STRUCT,
        "timestamp": "TIMESTAMPTZ",
        "originalTimestamp": "TIMESTAMPTZ",
        "sentAt": "TIMESTAMPTZ",
        "receivedAt": "TIMESTAMPTZ",
        "context": "JSON",
        "properties": "JSON",
        "traits": "JSON",
        "integrations": "JSON",
    },
    select_list=", ".join(
        [
            '"messageId" as message_id',
            '"type" as type',
            '"event" as event',
            '"name" as name',
            '"userId" as user_id',
            '"anonymousId" as anonymous_id',
            '"groupId" as group_id',
            '"previousId" as previous_id',
            '"_source".name as source_name',
            '"_source".kind as source_kind',
            _utc("timestamp", "timestamp"),
            _utc("originalTimestamp", "original_timestamp"),
            _utc("sentAt", "sent_at"),
            _utc("receivedAt", "received_at"),
            "context",
            "properties",
            "traits",
            "integrations",
        ]
    ),
    deduplicate=True,
    line_problem=_message_problem,
)

REJECTS = SpoolFormat(
    kind="rejects",
    table=REJECTS_TABLE,
    read_columns={
        "receivedAt": "TIMESTAMPTZ",
        "code": "VARCHAR",
        "reason": "VARCHAR",
        "path": "VARCHAR",
        "_source": SOURCE_STRUCT,
        "raw": "VARCHAR",
        "rawEncoding": "VARCHAR",
    },
    select_list=", ".join(
        [
            _utc("receivedAt", "received_at"),
            "code",
            "reason",
            "path",
            '"_source".name as source_name',
            '"_source".kind as source_kind',
            "raw",
            '"rawEncoding" as raw_encoding',
        ]
    ),
    deduplicate=False,
    line_problem=_reject_problem,
)

FORMATS = {spool_format.kind: spool_format for spool_format in (EVENTS, REJECTS)}
