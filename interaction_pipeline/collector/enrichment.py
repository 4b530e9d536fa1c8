"""Server-side fields added to every accepted message (the spool contract in the brief)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

from interaction_pipeline.collector.exact_ids import ID_FIELDS, InexactNumber
from interaction_pipeline.collector.registry import CLIENT_SIDE_KINDS, Source
from interaction_pipeline.collector.timestamps import canonical, format_utc, parse


class InvalidTimestamp(ValueError):
    """A timestamp field that is not an ISO-8601 date-time; the message is rejected."""

    code = "invalid_timestamp"


def _parsed(message: dict, name: str) -> datetime | None:
    value = message.get(name)
    if value is None:
        return None
    parsed = parse(value)
    if parsed is None:
        raise InvalidTimestamp(f"{name} must be an ISO-8601 date-time")
    return parsed


class Arrival(NamedTuple):
    """What every message of one request shares: when and from whom it came, and batch-level fields."""

    received: datetime
    received_text: str
    source: Source
    client_ip: str | None
    sent_at: datetime | None = None
    sent_at_text: str | None = None
    context: dict | None = None
    integrations: dict | None = None
    source_field: dict | None = None

    @classmethod
    def of(cls, received, received_text, source, client_ip, batch: dict | None) -> Arrival:
        source_field = {"name": source.name, "kind": source.kind}
        if not batch:
            return cls(received, received_text, source, client_ip, source_field=source_field)
        sent_at = parse(batch.get("sentAt"))
        context, integrations = batch.get("context"), batch.get("integrations")
        return cls(
            received,
            received_text,
            source,
            client_ip,
            sent_at,
            canonical(batch["sentAt"], sent_at) if sent_at else None,
            context if isinstance(context, dict) else None,
            integrations if isinstance(integrations, dict) else None,
            source_field,
        )


def _merged(batch_value: dict | None, own_value: object) -> object:
    """Batch-level context/integrations under the message's own keys (the message wins)."""
    if batch_value is None:
        return own_value
    if not isinstance(own_value, dict):
        return dict(batch_value)
    return {**batch_value, **own_value}


def enrich(message: dict, arrival: Arrival) -> dict:
    """Complete one validated message in place and return it.

    ``timestamp`` is corrected for the sender's clock skew: ``receivedAt - (sentAt - originalTimestamp)``.
    Raises :class:`InvalidTimestamp` (before changing anything) when a timestamp does not parse, and
    :class:`InexactNumber` when an id arrived as a float (:mod:`.exact_ids`).
    """
    own_sent_at = _parsed(message, "sentAt")
    original_name = "originalTimestamp" if message.get("originalTimestamp") is not None else "timestamp"
    original = _parsed(message, original_name)
    message.pop("writeKey", None)
    for name in ID_FIELDS:
        value = message.get(name)
        if value is not None and value.__class__ is not str:
            if value.__class__ is float:
                raise InexactNumber(name)
            message[name] = str(value)
    if not message.get("messageId"):
        message["messageId"] = f"api-{uuid.uuid4().hex}"
    if arrival.context is not None:
        message["context"] = _merged(arrival.context, message.get("context"))
    if arrival.integrations is not None:
        message["integrations"] = _merged(arrival.integrations, message.get("integrations"))
    received = arrival.received
    if own_sent_at is not None:
        sent_at = own_sent_at
        message["sentAt"] = canonical(message["sentAt"], sent_at)
    else:
        sent_at = arrival.sent_at
        if sent_at is not None:
            message["sentAt"] = arrival.sent_at_text
    if original is None:
        message["originalTimestamp"] = message["timestamp"] = arrival.received_text
    else:
        original_text = message[original_name]
        message["originalTimestamp"] = canonical(original_text, original)
        try:
            corrected = received - (sent_at - original) if sent_at else original
        except OverflowError:
            corrected = original
        message["timestamp"] = (
            canonical(original_text, original) if corrected == original else format_utc(corrected)
        )
    message["receivedAt"] = arrival.received_text
    message["_source"] = arrival.source_field
    if arrival.client_ip:
        context = message.get("context") or {}
        if (arrival.source.kind in CLIENT_SIDE_KINDS or context.get("direct") is True) and not context.get(
            "ip"
        ):
            context["ip"] = arrival.client_ip
            message["context"] = context
    return message
