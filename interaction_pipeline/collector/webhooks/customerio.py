"""Customer.io Reporting Webhooks: one event per request,
``{event_id, object_type, metric, timestamp, data}``.

``data`` carries ``customer_id``, ``identifiers`` (``id``, ``email``, ``cio_id``), ``delivery_id``, the
``campaign_id``/``broadcast_id``/``newsletter_id``/``transactional_message_id`` and ``action_id`` of the
message, and per metric ``recipient``, ``subject``, ``href``/``link_id`` or ``failure_message`` (Customer.io's
reporting webhooks reference). Email metrics get the names of Customer.io's own semantic email events;
``customer_id`` becomes ``userId`` and, without one, the email stands in as ``anonymousId`` as in Segment's
Customer.io source. Requests are signed with ``X-CIO-Signature`` (see :mod:`.signatures`).
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
from interaction_pipeline.collector.webhooks.partner import Partner, one_event

KIND = "customerio"
EVENT_NAMES = {
    ("email", "drafted"): "Email Drafted",
    ("email", "attempted"): "Email Attempted",
    ("email", "sent"): "Email Sent",
    ("email", "delivered"): "Email Delivered",
    ("email", "opened"): "Email Opened",
    ("email", "clicked"): "Email Link Clicked",
    ("email", "converted"): "Email Converted",
    ("email", "unsubscribed"): "Email Unsubscribed",
    ("email", "bounced"): "Email Bounced",
    ("email", "dropped"): "Email Suppressed",
    ("email", "spammed"): "Email Marked as Spam",
    ("email", "failed"): "Email Failed",
    ("email", "subscribed"): "Subscribed",
    ("customer", "subscribed"): "Subscribed",
    ("customer", "unsubscribed"): "Unsubscribed",
    ("push", "sent"): "Push Notification Sent",
    ("push", "delivered"): "Push Notification Received",
    ("push", "opened"): "Push Notification Tapped",
    ("push", "bounced"): "Push Notification Bounced",
    ("sms", "sent"): "SMS Sent",
    ("sms", "delivered"): "SMS Delivered",
    ("sms", "clicked"): "SMS Link Clicked",
    ("sms", "bounced"): "SMS Bounced",
    ("in_app", "opened"): "In-App Message Viewed",
    ("in_app", "clicked"): "In-App Message Clicked",
}
MESSAGE_IDS = ("campaign_id", "broadcast_id", "newsletter_id", "transactional_message_id")
KEPT = ("action_id", "journey_id", "parent_action_id", "trigger_event_id", "content_id", *MESSAGE_IDS)


def _email(object_type: str, data: dict) -> str | None:
    identifiers = data.get("identifiers") if isinstance(data.get("identifiers"), dict) else {}
    recipient = data.get("recipient") if object_type == "email" else None
    return text(data.get("email_address")) or text(recipient) or text(identifiers.get("email"))


def _user_id(data: dict) -> str | None:
    identifiers = data.get("identifiers") if isinstance(data.get("identifiers"), dict) else {}
    return text(data.get("customer_id")) or text(identifiers.get("id"))


def to_message(event: object) -> dict:
    event = require_object(event, KIND)
    object_type, metric = text(event.get("object_type")), text(event.get("metric"))
    if object_type is None or metric is None:
        raise Invalid("missing_event_type", "a Customer.io event needs object_type and metric")
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    campaign = next((text(data.get(name)) for name in MESSAGE_IDS if text(data.get(name))), None)
    properties = {name: data.get(name) for name in KEPT}
    properties |= {
        "campaign_id": campaign,
        "email_id": data.get("delivery_id"),
        "delivery_id": data.get("delivery_id"),
        "email_subject": data.get("subject"),
        "link_url": data.get("href"),
        "link_id": data.get("link_id"),
        "reason": data.get("failure_message"),
    }
    return track(
        KIND,
        EVENT_NAMES.get((object_type, metric), f"{object_type}_{metric}"),
        text(event.get("event_id")) or content_id(event),
        from_epoch(event.get("timestamp"), field="timestamp"),
        event,
        user_id=_user_id(data),
        email=_email(object_type, data),
        properties=properties,
    )


PARTNER = Partner(
    kind=KIND,
    export="Reporting Webhooks",
    max_request_bytes=1024 * 1024,
    max_events=1,
    unpack=one_event,
    to_message=to_message,
    key_in="the Webhook Endpoint URL (the key is its last path segment)",
    path_key=True,
    signature="customerio",
)
