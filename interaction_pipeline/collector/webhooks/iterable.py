"""Iterable System Webhooks: one event per request, ``{email, userId?, eventName, dataFields}``.

``dataFields`` carries ``createdAt`` (``2016-12-02 20:31:39 +00:00``), ``campaignId``/``campaignName``,
``templateId``/``templateName``, ``messageId``, ``emailSubject``, and per event ``url``/``linkUrl``,
``userAgent``, ``ip`` (Iterable's System Webhooks reference). Names follow Segment's Iterable source; the
email stands in as ``anonymousId`` when Iterable has no ``userId``. Iterable's events carry no event id, so
the ``messageId`` is derived from the event's content: a retry, which repeats the body, is stored once.
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

KIND = "iterable"
EVENT_NAMES = {
    "emailSend": "Email Delivered",
    "emailOpen": "Email Opened",
    "emailClick": "Email Link Clicked",
    "emailBounce": "Email Bounced",
    "emailComplaint": "Email Marked as Spam",
    "emailSubscribe": "Subscribed",
    "emailUnSubscribe": "Unsubscribed",
    "hostedUnsubscribeClick": "Hosted Unsubscribe Click",
    "pushSend": "Push Delivered",
    "pushOpen": "Push Opened",
    "pushBounce": "Push Bounced",
    "pushUninstall": "Mobile App Uninstalled",
    "smsSend": "SMS Delivered",
    "smsBounce": "SMS Bounced",
    "smsClick": "SMS Clicked",
    "smsReceived": "SMS Received",
    "inAppSend": "In App Sent",
    "inAppOpen": "In App Opened",
    "inAppClick": "In App Clicked",
    "webPushSend": "Web Push Delivered",
    "webPushClick": "Web Push Clicked",
}
CREATED_AT_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S.%f %z", "%Y-%m-%dT%H:%M:%S%z")


def to_message(event: object) -> dict:
    event = require_object(event, KIND)
    name = text(event.get("eventName"))
    if name is None:
        raise Invalid("missing_event_type", "an Iterable event needs an eventName")
    fields = event.get("dataFields") if isinstance(event.get("dataFields"), dict) else {}
    # Iterable nests everything in dataFields; a flat event (a custom template) is read the same way.
    fields = {**{k: v for k, v in event.items() if k != "dataFields"}, **fields}
    properties = {
        "campaign_id": text(fields.get("campaignId")),
        "campaign_name": fields.get("campaignName"),
        "template_id": text(fields.get("templateId")),
        "template_name": fields.get("templateName"),
        "message_variation_id": text(fields.get("templateId")),
        "message_variation_name": fields.get("templateName"),
        "email_id": fields.get("messageId"),
        "email_subject": fields.get("emailSubject"),
        "link_url": fields.get("linkUrl") or fields.get("url"),
        "link_id": fields.get("linkId"),
        "user_agent": fields.get("userAgent"),
        "workflow_id": text(fields.get("workflowId")),
        "workflow_name": fields.get("workflowName"),
        "reason": fields.get("reason"),
    }
    context = {"ip": fields["ip"]} if text(fields.get("ip")) else {}
    return track(
        KIND,
        EVENT_NAMES.get(name, name),
        content_id(event),
        from_text(fields.get("createdAt"), CREATED_AT_FORMATS, "dataFields.createdAt"),
        event,
        user_id=text(event.get("userId")) or text(fields.get("userId")),
        email=text(event.get("email")) or text(fields.get("email")),
        properties=properties,
        context=context,
    )


PARTNER = Partner(
    kind=KIND,
    export="System Webhooks",
    max_request_bytes=1024 * 1024,
    max_events=1,
    unpack=one_event,
    to_message=to_message,
    key_in="an Authorization header 'Bearer <key>' added to the system webhook (or the URL's last segment)",
    path_key=False,
)
