"""What every partner mapping shares: the deterministic ``messageId``, partner times, and the message itself.

The partner's original event is kept whole under ``context.partner_event``, so a later, better mapping can be
rebuilt from the warehouse without asking the partner again.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import UTC, datetime

import orjson

from interaction_pipeline.collector.timestamps import format_utc

# Fixed forever: changing it would give every partner event a new messageId and break deduplication.
MESSAGE_ID_NAMESPACE = uuid.UUID("5b0e6f38-3f5e-4f0c-9c55-2f6f1b3c7a10")
ORIGINAL_EVENT_KEY = "partner_event"


class Invalid(ValueError):
    """One partner event that cannot become a message; it goes to the rejects spool with this reason."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


_NAMESPACE_BYTES = MESSAGE_ID_NAMESPACE.bytes


def message_id(kind: str, partner_event_id: str) -> str:
    """The same partner event always gets the same ``messageId``, so a partner's retry is stored once.

    It is ``uuid5(MESSAGE_ID_NAMESPACE, "<kind>:<partner event id>")``, computed without building a
    ``uuid.UUID`` (a third of the mapping's time on Currents batches).
    """
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + f"{kind}:{partner_event_id}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    hexed = digest.hex()
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


def content_id(event: object) -> str:
    """An id for partners whose events carry none: a digest of the event's canonical JSON."""
    return hashlib.sha256(orjson.dumps(event, option=orjson.OPT_SORT_KEYS)).hexdigest()


def text(value: object) -> str | None:
    """A non-empty identifier as text (partners send ids as strings or numbers), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def identifier(value: object) -> str | None:
    """:func:`text`, with the common case (a non-empty string) first: it runs several times per event."""
    return value if value.__class__ is str and value else text(value)


def from_epoch(value: object, unit: int = 1, field: str = "time") -> str:
    """ISO-8601 UTC from a Unix time in seconds (``unit=1``) or milliseconds (``unit=1000``)."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid("invalid_timestamp", f"{field} must be a Unix time; got {value!r}"[:200])
    try:
        if isinstance(value, int):  # the common case, formatted without a datetime
            seconds, millis = divmod(value, unit)
            millis = millis * 1000 // unit
            return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"
        return format_utc(datetime.fromtimestamp(value / unit, UTC))
    except (OverflowError, OSError, ValueError):
        raise Invalid("invalid_timestamp", f"{field} is out of range: {value!r}"[:200]) from None


def from_text(value: object, formats: tuple[str, ...], field: str) -> str:
    """ISO-8601 UTC from a partner's text timestamp in one of ``formats`` (``strptime`` patterns)."""
    if isinstance(value, str):
        for pattern in formats:
            try:
                parsed = datetime.strptime(value, pattern)
            except ValueError:
                continue
            return format_utc(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
    raise Invalid("invalid_timestamp", f"{field} is not a timestamp this partner sends: {value!r}"[:200])


def track(
    kind: str,
    event: str,
    partner_event_id: str,
    timestamp: str,
    original: object,
    *,
    user_id: str | None = None,
    email: str | None = None,
    anonymous_id: str | None = None,
    properties: dict | None = None,
    context: dict | None = None,
) -> dict:
    """A Segment ``track`` message for one partner event.

    With no user id the email stands in as ``anonymousId``, as Segment's own Customer.io and Iterable sources
    do; with neither, the event is refused (the spec needs one of them, and nobody could be found later).
    """
    if user_id is None and anonymous_id is None:
        anonymous_id = email
    if user_id is None and anonymous_id is None:
        raise Invalid("no_user_anon_id", f"the {kind} event names no user id and no email")
    message = {
        "type": "track",
        "event": event,
        "messageId": message_id(kind, partner_event_id),
        "timestamp": timestamp,
        "properties": {key: value for key, value in (properties or {}).items() if value is not None},
        "context": {
            **(context or {}),
            "integration": {"name": kind, "version": "1.0.0"},
            ORIGINAL_EVENT_KEY: original,
        },
    }
    if email:
        message["context"]["traits"] = {"email": email}
    if user_id is not None:
        message["userId"] = user_id
    if anonymous_id is not None:
        message["anonymousId"] = anonymous_id
    return message


def stamp(message: dict, arrival) -> dict:
    """The server fields of the spool contract. Partner times are facts, not client clocks: no skew
    correction, so ``originalTimestamp`` equals ``timestamp``."""
    message["originalTimestamp"] = message["timestamp"]
    message["receivedAt"] = arrival.received_text
    message["_source"] = arrival.source_field
    return message


def require_object(event: object, kind: str) -> dict:
    if not isinstance(event, dict):
        raise Invalid("invalid_event", f"a {kind} event must be a JSON object")
    return event
