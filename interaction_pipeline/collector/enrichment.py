"""Server-side fields added to every accepted message (the spool contract in the brief)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

from interaction_pipeline.collector.registry import CLIENT_SIDE_KINDS, Source
from interaction_pipeline.collector.timestamps import canonical, format_utc, parse

ID_FIELDS = ("userId", "anonymousId", "groupId", "previousId", "messageId")


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

    @classmethod
    def of(cls, received, received_text, source, client_ip, batch: dict | None) -> Arrival:
        if not batch:
            return cls(received, received_text, source, client_ip)
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
    """
    message.pop("writeKey", None)
    for name in ID_FIELDS:
        value = message.get(name)
        if value is not None and not isinstance(value, str):
            message[name] = str(value)
    if not message.get("messageId"):
        message["messageId"] = f"api-{uuid.uuid4().hex}"
    if arrival.context is not None:
        message["context"] = _merged(arrival.context, message.get("context"))
    if arrival.integrations is not None:
        message["integrations"] = _merged(arrival.integrations, message.get("integrations"))
    received = arrival.received
    own_sent_at = message.get("sentAt")
    if own_sent_at:
        sent_at = parse(own_sent_at)
        message["sentAt"] = canonical(own_sent_at, sent_at)
    else:
        sent_at = arrival.sent_at
        if sent_at is not None:
            message["sentAt"] = arrival.sent_at_text
    original_text = message.get("originalTimestamp") or message.get("timestamp")
    original = parse(original_text)
    if original is None:
        message["originalTimestamp"] = message["timestamp"] = arrival.received_text
    else:
        message["originalTimestamp"] = canonical(original_text, original)
        try:
            corrected = received - (sent_at - original) if sent_at else original
        except OverflowError:
            corrected = original
        message["timestamp"] = (
            canonical(original_text, original) if corrected == original else format_utc(corrected)
        )
    message["receivedAt"] = arrival.received_text
    message["_source"] = {"name": arrival.source.name, "kind": arrival.source.kind}
    if arrival.client_ip:
        context = message.get("context") or {}
        if (arrival.source.kind in CLIENT_SIDE_KINDS or context.get("direct") is True) and not context.get(
            "ip"
        ):
            context["ip"] = arrival.client_ip
            message["context"] = context
    return message
