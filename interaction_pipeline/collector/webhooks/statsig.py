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
from interaction_pipeline.collector.webhooks.partner import Partner, events_array

KIND = "statsig"


def unpack(payload: object, max_events: int) -> list:
    """Runtime events come as a bare array, config changes as ``{"data": [...]}``."""
    return events_array({"data": payload} if isinstance(payload, list) else payload, max_events, key="data")


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
