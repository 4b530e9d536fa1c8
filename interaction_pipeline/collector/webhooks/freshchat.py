"""Freshchat webhooks: one event per request, ``{actor: {actor_type, actor_id}, action, action_time, data}``.

``message_create`` carries ``data.message`` (``id``, ``conversation_id``, ``user_id``, ``actor_type``,
``message_type``, ``channel_id``, ``created_time``); ``conversation_assignment``, ``conversation_resolution``
and ``conversation_reopen`` carry the conversation only (Freshchat's webhook payload reference). Messages
become the Live Chat spec's ``Live Chat Message Sent`` (from the customer) or ``... Received`` (from an
agent). Freshchat's ``user_id`` is Freshchat's own id, so it is the ``anonymousId``; the conversation events
name no customer at all and are refused with that reason.
"""

from __future__ import annotations

from interaction_pipeline.collector.webhooks.common import (
    Invalid,
    content_id,
    from_text,
    require_object,
    text,
    track,
)
from interaction_pipeline.collector.webhooks.partner import Partner, one_event

KIND = "freshchat"
MESSAGE_NAMES = {"user": "Live Chat Message Sent", "agent": "Live Chat Message Received"}
TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z")


def to_message(event: object) -> dict:
    event = require_object(event, KIND)
    action = text(event.get("action"))
    if action is None:
        raise Invalid("missing_event_type", "a Freshchat event needs an action")
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    message = data.get("message") if isinstance(data.get("message"), dict) else {}
    actor = event.get("actor") if isinstance(event.get("actor"), dict) else {}
    actor_type = text(message.get("actor_type")) or text(actor.get("actor_type"))
    name = MESSAGE_NAMES.get(actor_type, action) if action == "message_create" else action
    properties = {
        "conversation_id": text(message.get("conversation_id")),
        "message_id": text(message.get("id")),
        "agent_id": text(message.get("actor_id")) if actor_type == "agent" else None,
        "channel_id": text(message.get("channel_id")),
        "message_type": message.get("message_type"),
        "actor_type": actor_type,
    }
    return track(
        KIND,
        name,
        f"{action}:{message['id']}" if text(message.get("id")) else content_id(event),
        from_text(event.get("action_time"), TIME_FORMATS, "action_time"),
        event,
        anonymous_id=text(message.get("user_id")),
        properties=properties,
    )


PARTNER = Partner(
    kind=KIND,
    export="Webhooks (Admin > Webhooks)",
    max_request_bytes=256 * 1024,
    max_events=1,
    unpack=one_event,
    to_message=to_message,
    key_in="the webhook URL (the key is its last path segment)",
    path_key=True,
)
