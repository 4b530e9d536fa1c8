"""Server-side fields added to every accepted message (the spool contract in the brief)."""

from __future__ import annotations

import uuid
from datetime import datetime

from interaction_pipeline.collector.registry import CLIENT_SIDE_KINDS, Source
from interaction_pipeline.collector.timestamps import format_utc, parse

ID_FIELDS = ("userId", "anonymousId", "groupId", "previousId", "messageId")


def _merged(batch_value: object, own_value: object) -> object:
    """Batch-level context/integrations under the message's own keys (the message wins)."""
    if not isinstance(batch_value, dict):
        return own_value
    if not isinstance(own_value, dict):
        return dict(batch_value)
    return {**batch_value, **own_value}


def enrich(
    message: dict,
    batch: dict,
    received_at: datetime,
    source: Source,
    client_ip: str | None,
) -> dict:
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
    if batch:
        for name in ("context", "integrations"):
            merged = _merged(batch.get(name), message.get(name))
            if merged is not None:
                message[name] = merged
    sent_at = parse(message.get("sentAt") or batch.get("sentAt"))
    original = parse(message.get("originalTimestamp") or message.get("timestamp"))
    if original is None:
        original = received_at
    try:
        corrected = received_at - (sent_at - original) if sent_at else original
    except OverflowError:
        corrected = original
    if sent_at:
        message["sentAt"] = format_utc(sent_at)
    message["receivedAt"] = format_utc(received_at)
    message["originalTimestamp"] = format_utc(original)
    message["timestamp"] = format_utc(corrected)
    message["_source"] = {"name": source.name, "kind": source.kind}
    if client_ip:
        context = message.get("context") or {}
        if (source.kind in CLIENT_SIDE_KINDS or context.get("direct") is True) and not context.get("ip"):
            context["ip"] = client_ip
            message["context"] = context
    return message
