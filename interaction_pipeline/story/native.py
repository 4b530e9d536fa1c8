"""How the ground truth reads the partners' native webhook events of the story.

The truth's rules (``story.truth``) speak of funnel steps; this module says, for the few event types the story
produces, which step each native type is, who it is about and when it happened, straight from the partner's
documented fields. It is deliberately written apart from the collector's mapping, so the demo's checks compare
two independent readings of the same events.
"""

from __future__ import annotations

from interaction_pipeline.story.timeline import segment_time

BRAZE_STEPS = {  # Currents event type -> the truth's name for it
    "users.messages.email.Send": "Email Sent",
    "users.messages.email.Delivery": "Email Delivered",
    "users.messages.email.Bounce": "Email Bounced",
    "users.messages.email.SoftBounce": "Email Soft Bounced",
    "users.messages.email.Open": "Email Opened",
    "users.messages.email.Click": "Email Link Clicked",
    "users.messages.email.Unsubscribe": "Email Unsubscribed",
    "users.messages.email.MarkAsSpam": "Email Marked As Spam",
    "users.campaigns.Conversion": "Campaign Converted",
}
CUSTOMERIO_STEPS = {  # reporting webhook email metric -> the truth's name for it
    "delivered": "Email Delivered",
    "bounced": "Email Bounced",
    "opened": "Email Opened",
    "clicked": "Email Link Clicked",
    "unsubscribed": "Email Unsubscribed",
    "spammed": "Email Marked as Spam",
}


def braze_fact(event: dict) -> dict:
    properties = event["properties"]
    return {
        "type": "track",
        "event": BRAZE_STEPS.get(event["event_type"], event["event_type"]),
        "userId": event["user"]["external_user_id"],
        "timestamp": segment_time(event["time"]),
        "properties": {
            "campaign_id": properties.get("campaign_id"),
            "campaign_name": properties.get("campaign_name"),
            "machine_open": properties.get("machine_open") == "true",
        },
    }


def customerio_fact(event: dict) -> dict:
    data = event["data"]
    fact = {
        "type": "track",
        "event": CUSTOMERIO_STEPS[event["metric"]],
        "timestamp": segment_time(event["timestamp"]),
        # Customer.io's reporting webhooks name campaigns by id only.
        "properties": {"campaign_id": str(data["campaign_id"]), "campaign_name": None},
    }
    if data.get("customer_id"):
        fact["userId"] = data["customer_id"]
    else:
        fact["anonymousId"] = data["recipient"]
    return fact


READERS = {"braze": braze_fact, "customerio": customerio_fact}


def as_fact(source: str, event: dict) -> dict:
    """The event as the truth's rules read it: a Segment-shaped dict for native events, itself otherwise."""
    reader = READERS.get(source)
    return reader(event) if reader else event
