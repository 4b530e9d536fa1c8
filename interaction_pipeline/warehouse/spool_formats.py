"""How each spool kind maps onto its warehouse table: the typed `read_json` columns and the select list.

Columns are declared explicitly (DuckDB's ``read_json`` columns and Postgres's ``json`` operators are both
derived from one list of fields), so a load never guesses types from a sample and a field the collector
adds later is simply not loaded until it is declared here. Timestamps are read as TIMESTAMPTZ and converted to
naive UTC, so an offset other than `Z` is honoured instead of being dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from interaction_pipeline.warehouse.schema import MESSAGES_TABLE, REJECTS_TABLE

DUCKDB_TYPES = {"text": "VARCHAR", "timestamp": "TIMESTAMPTZ", "json": "JSON"}


@dataclass(frozen=True)
class Field:
    column: str  # the warehouse column
    path: tuple[str, ...]  # where it is in a spooled line: a key, or an object's key and a key inside it
    kind: str = "text"  # text, timestamp (read with its offset, stored as naive UTC) or json


@dataclass(frozen=True)
class SpoolFormat:
    kind: str
    table: str
    fields: tuple[Field, ...]  # in the table's column order
    deduplicate: bool
    line_problem: Callable[[dict], str | None]

    @property
    def read_columns(self) -> dict[str, str]:
        """DuckDB ``read_json`` columns: top-level keys with their types; nested text fields as a STRUCT."""
        columns: dict[str, str] = {}
        for field in self.fields:
            if len(field.path) == 1:
                columns[field.path[0]] = DUCKDB_TYPES[field.kind]
        for key in dict.fromkeys(field.path[0] for field in self.fields if len(field.path) == 2):
            inner = ", ".join(f"{f.path[1]} VARCHAR" for f in self.fields if f.path[0] == key)
            columns[key] = f"STRUCT({inner})"
        return columns

    def columns_literal(self) -> str:
        fields = ", ".join(f"'{name}': '{sql_type}'" for name, sql_type in self.read_columns.items())
        return "{" + fields + "}"

    @property
    def select_list(self) -> str:
        """Aliased expressions over DuckDB's ``read_json`` columns."""
        return ", ".join(_duckdb_expression(field) for field in self.fields)

    def postgres_select_list(self, line: str) -> str:
        """Aliased expressions over ``line``, one spooled line as Postgres ``json``."""
        return ", ".join(_postgres_expression(field, line) for field in self.fields)


def _duckdb_expression(field: Field) -> str:
    column = ".".join(f'"{key}"' for key in field.path)
    if field.kind == "timestamp":
        return f"({column} at time zone 'UTC') as {field.column}"
    return f"{column} as {field.column}"


def _postgres_expression(field: Field, line: str) -> str:
    *parents, key = field.path
    node = "".join(f"->'{parent}'" for parent in parents)
    if field.kind == "json":
        return f"{line}{node}->'{key}' as {field.column}"
    text = f"{line}{node}->>'{key}'"
    if field.kind == "timestamp":
        return f"(({text})::timestamptz at time zone 'UTC') as {field.column}"
    return f"{text} as {field.column}"


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


def _field(column: str, key: str, kind: str = "text") -> Field:
    return Field(column, (key,), kind)


def _source_fields() -> tuple[Field, ...]:
    return (Field("source_name", ("_source", "name")), Field("source_kind", ("_source", "kind")))


EVENTS = SpoolFormat(
    kind="events",
    table=MESSAGES_TABLE,
    fields=(
        _field("message_id", "messageId"),
        _field("type", "type"),
        _field("event", "event"),
        _field("name", "name"),
        _field("user_id", "userId"),
        _field("anonymous_id", "anonymousId"),
        _field("group_id", "groupId"),
        _field("previous_id", "previousId"),
        *_source_fields(),
        _field("timestamp", "timestamp", "timestamp"),
        _field("original_timestamp", "originalTimestamp", "timestamp"),
        _field("sent_at", "sentAt", "timestamp"),
        _field("received_at", "receivedAt", "timestamp"),
        _field("context", "context", "json"),
        _field("properties", "properties", "json"),
        _field("traits", "traits", "json"),
        _field("integrations", "integrations", "json"),
    ),
    deduplicate=True,
    line_problem=_message_problem,
)

REJECTS = SpoolFormat(
    kind="rejects",
    table=REJECTS_TABLE,
    fields=(
        _field("received_at", "receivedAt", "timestamp"),
        _field("code", "code"),
        _field("reason", "reason"),
        _field("path", "path"),
        *_source_fields(),
        _field("raw", "raw"),
        _field("raw_encoding", "rawEncoding"),
    ),
    deduplicate=False,
    line_problem=_reject_problem,
)

FORMATS = {spool_format.kind: spool_format for spool_format in (EVENTS, REJECTS)}
