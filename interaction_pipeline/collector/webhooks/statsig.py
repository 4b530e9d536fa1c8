"""Statsig's Generic Webhook integration: events in batches, each ``{eventName, user, userID, timestamp,
value, metadata, statsigMetadata, timeUUID, unitID}`` (Statsig's event webhook reference).

Runtime events arrive as a JSON array, console config changes as ``{"data": [...]}``; both are read. The
names stay Statsig's (``statsig::experiment_exposure``), as in Segment's Statsig source, with
``properties.metadata`` and ``properties.value``; ``timeUUID`` identifies the event.
"""

from __future__ import annotations

from interaction_pipeline.collector.webhooks.common import (
    Invalid,
    content_id,
    from_epoch,
    require_object,
    text,
    track,
)
from interaction_pipeline.collector.webhooks.partner import EnvelopeError, Partner

KIND = "statsig"


def unpack(payload: object, max_events: int) -> list:
    events = payload.get("data") if isinstance(payload, dict) else payload
    if not isinstance(events, list):
        raise EnvelopeError(
            400, "invalid_batch", "the body must be a JSON array of events or {'data': [...]}"
        )
    if len(events) > max_events:
        message = f"the batch has {len(events):,} events; the limit is {max_events:,} per request"
        raise EnvelopeError(413, "batch_too_large", message)
    return events


def to_message(event: object) -> dict:
    event = require_object(event, KIND)
    name = text(event.get("eventName"))
    if name is None:
        raise Invalid("missing_event_type", "a Statsig event needs an eventName")
    user = event.get("user") if isinstance(event.get("user"), dict) else {}
    return track(
        KIND,
        name,
        text(event.get("timeUUID")) or content_id(event),
        from_epoch(event.get("timestamp"), unit=1000, field="timestamp"),
        event,
        user_id=text(event.get("userID")) or text(user.get("userID")),
        email=text(user.get("email")),
        properties={"metadata": event.get("metadata"), "value": event.get("value")},
    )


PARTNER = Partner(
    kind=KIND,
    export="Generic Webhook integration",
    max_request_bytes=5 * 1024 * 1024,
    max_events=2500,
    unpack=unpack,
    to_message=to_message,
    key_in="the webhook URL (the key is its last path segment)",
    path_key=True,
)
