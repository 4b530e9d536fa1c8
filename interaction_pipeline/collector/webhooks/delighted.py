"""Delighted webhooks: one event per request, ``{event_type, event_id, event_data}``.

``survey_response.created`` and ``survey_response.updated`` carry the response (``id``, ``person`` with
``id``/``email``/``name``, ``survey_type``, ``score``, ``comment``, ``permalink``, ``created_at``,
``updated_at``, ``person_properties``, ``notes``, ``tags``, ``additional_answers``); ``unsubscribe.created``
keeps its own name, its ``event_data`` read as Delighted's unsubscribe object (``person_id``, ``email``,
``unsubscribed_at``) (Delighted's webhooks and unsubscribes references). Responses become Segment's
Delighted source event ``Survey Question Answered``. Delighted's person id is Delighted's own, so it is
the ``anonymousId`` and the email finds the person, as ``context.traits.delighted_person_id`` does in
Segment's source.
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

KIND = "delighted"
EVENT_NAMES = {
    "survey_response.created": "Survey Question Answered",
    "survey_response.updated": "Survey Question Answered",
}


def to_message(event: object) -> dict:
    event = require_object(event, KIND)
    event_type = text(event.get("event_type"))
    if event_type is None:
        raise Invalid("missing_event_type", "a Delighted event needs an event_type")
    data = event.get("event_data") if isinstance(event.get("event_data"), dict) else {}
    person = data.get("person") if isinstance(data.get("person"), dict) else {}
    person = person or {"id": data.get("person_id"), "email": data.get("email")}
    survey_type = text(data.get("survey_type"))
    properties = {
        "survey_tool": "Delighted",
        "survey_type": survey_type.upper() if survey_type else None,
        "survey_response_id": text(data.get("id")),
        "survey_permalink": data.get("permalink"),
        "survey_tags": data.get("tags"),
        "survey_notes": data.get("notes"),
        "survey_properties": data.get("person_properties"),
        "score": data.get("score"),
        "comment": data.get("comment"),
        "updated": event_type == "survey_response.updated" or None,
    }
    moment = data.get("updated_at") if event_type == "survey_response.updated" else None
    moment = moment or data.get("created_at") or data.get("unsubscribed_at")
    person_id = text(person.get("id"))
    message = track(
        KIND,
        EVENT_NAMES.get(event_type, event_type),
        text(event.get("event_id")) or content_id(event),
        from_epoch(moment, field="event_data.created_at"),
        event,
        anonymous_id=person_id,
        email=text(person.get("email")),
        properties=properties,
    )
    if person_id:
        message["context"].setdefault("traits", {})["delighted_person_id"] = person_id
    return message


PARTNER = Partner(
    kind=KIND,
    export="Webhooks integration",
    max_request_bytes=256 * 1024,
    max_events=1,
    unpack=one_event,
    to_message=to_message,
    key_in="the webhook URL (the key is its last path segment)",
    path_key=True,
)
