"""Braze Custom Currents Export (the custom HTTP connector): ``{"events": [...]}``, up to 100 per request.

Each event is ``{event_type, id, time, user: {user_id, external_user_id, device_id, timezone}, properties}``
(Braze's Currents event glossary, "Custom HTTP Connector" tab). Names follow Braze's own Segment export:
``external_user_id`` becomes ``userId``, the Braze ``user_id`` becomes ``anonymousId``, and the event type
gets the name Braze gives it in Segment. Types not listed keep Braze's own name
(``users.behaviors.CustomEvent``), so nothing Braze adds later is lost; they show up in
``fct_unknown_event_names``.
"""

from __future__ import annotations

from functools import partial

from interaction_pipeline.collector.webhooks.common import (
    Invalid,
    content_id,
    from_epoch,
    identifier,
    require_object,
    track,
)
from interaction_pipeline.collector.webhooks.partner import Partner, events_array

KIND = "braze"
ABORTED = "Abort Message Events"
EVENT_NAMES = {
    "users.messages.email.Send": "Email Sent",
    "users.messages.email.Delivery": "Email Delivered",
    "users.messages.email.Open": "Email Opened",
    "users.messages.email.Click": "Email Link Clicked",
    "users.messages.email.Bounce": "Email Bounced",
    "users.messages.email.SoftBounce": "Email Soft Bounced",
    "users.messages.email.MarkAsSpam": "Email Marked As Spam",
    "users.messages.email.Unsubscribe": "Email Unsubscribed",
    "users.behaviors.subscription.GlobalStateChange": "Global Subscription Group State Change",
    "users.behaviors.subscriptiongroup.StateChange": "Subscription Group State Changed",
    "users.messages.pushnotification.Send": "Push Notification Sent",
    "users.messages.pushnotification.Open": "Push Notification Tapped",
    "users.messages.pushnotification.Bounce": "Push Notification Bounced",
    "users.messages.pushnotification.IosForeground": "iOS Foreground Push Opened",
    "users.messages.inappmessage.Impression": "In-App Message Viewed",
    "users.messages.inappmessage.Click": "In-App Message Clicked",
    "users.behaviors.app.NewsFeedImpression": "News Feed Viewed",
    "users.messages.newsfeedcard.Impression": "News Feed Card Viewed",
    "users.messages.newsfeedcard.Click": "News Feed Card Clicked",
    "users.messages.webhook.Send": "Webhook Sent",
    "users.campaigns.Conversion": "Campaign Converted",
    "users.canvas.Conversion": "Canvas Converted",
    "users.canvas.Entry": "Canvas Entered",
    "users.canvas.exit.MatchedAudience": "Canvas Exited",
    "users.canvas.exit.PerformedEvent": "Canvas Exited",
    "users.campaigns.EnrollInControl": "Campaign Control Group Entered",
    "users.messages.contentcard.Send": "Content Card Sent",
    "users.messages.contentcard.Impression": "Content Card Viewed",
    "users.messages.contentcard.Click": "Content Card Clicked",
    "users.messages.contentcard.Dismiss": "Content Card Dismissed",
    "users.messages.sms.Send": "SMS Sent",
    "users.messages.sms.CarrierSend": "SMS Sent to Carrier",
    "users.messages.sms.ShortLinkClick": "SMS Short Link Clicks",
    "users.messages.sms.Delivery": "SMS Delivered",
    "users.messages.sms.DeliveryFailure": "SMS Delivery Failed",
    "users.messages.sms.Rejection": "SMS Rejected",
    "users.messages.sms.InboundReceive": "SMS Inbound Received",
    "users.behaviors.Uninstall": "Application Uninstalled",
    "users.messages.whatsapp.Send": "WhatsApp Send",
    "users.messages.whatsapp.Delivery": "WhatsApp Delivery",
    "users.messages.whatsapp.Read": "WhatsApp Read",
    "users.messages.whatsapp.Failure": "WhatsApp Failure",
    "users.messages.whatsapp.InboundReceive": "WhatsApp Inbound Received",
    "users.messages.whatsapp.Abort": "WhatsApp Abort",
    "users.messages.email.Abort": ABORTED,
    "users.messages.pushnotification.Abort": ABORTED,
    "users.messages.inappmessage.Abort": ABORTED,
    "users.messages.contentcard.Abort": ABORTED,
    "users.messages.sms.Abort": ABORTED,
    "users.messages.webhook.Abort": ABORTED,
    "users_campaigns_abort": ABORTED,
    "users_canvas_abort": ABORTED,
}


def _properties(raw: dict) -> tuple[dict, str | None]:
    """Braze's event properties under the names Braze's Segment export uses, and the recipient email."""
    properties = dict(raw)
    email = identifier(properties.pop("email_address", None))
    if "url" in properties and "link_url" not in properties:
        properties["link_url"] = properties.pop("url")
    if "machine_open" in properties:
        # Currents sends "true" as text; Segment's export sends true or null.
        properties["machine_open"] = True if str(properties["machine_open"]).lower() == "true" else None
    return properties, email


def to_message(event: object) -> dict:
    event = require_object(event, KIND)
    event_type = identifier(event.get("event_type"))
    if event_type is None:
        raise Invalid("missing_event_type", "a Braze event needs an event_type")
    user = event.get("user")
    user = user if isinstance(user, dict) else {}
    raw_properties = event.get("properties")
    properties, email = _properties(raw_properties if isinstance(raw_properties, dict) else {})
    context = {}
    timezone, device = identifier(user.get("timezone")), identifier(user.get("device_id"))
    if timezone:
        context["timezone"] = timezone
    if device:
        context["device"] = {"id": device}
    return track(
        KIND,
        EVENT_NAMES.get(event_type, event_type),
        identifier(event.get("id")) or content_id(event),
        from_epoch(event.get("time"), field="time"),
        event,
        user_id=identifier(user.get("external_user_id")),
        anonymous_id=identifier(user.get("user_id")),
        email=email,
        properties=properties,
        context=context,
    )


PARTNER = Partner(
    kind=KIND,
    export="Custom Currents Export",
    max_request_bytes=8 * 1024 * 1024,
    max_events=100,
    unpack=partial(events_array, key="events"),
    to_message=to_message,
    key_in="the Bearer token field of the Custom Currents Export",
    path_key=False,
)
