"""Customer.io reporting webhook events, one per object type and metric its reference lists.

Field names are those of Customer.io's reporting webhooks reference (``event_id``, ``object_type``, ``metric``,
``timestamp``, ``data`` with ``customer_id``, ``identifiers``, ``delivery_id``, ``recipient``, ``subject``,
``href``, ``link_id``, ``failure_message``, ...); the values are this test's own.
"""

# ruff: noqa: E501 - the events are a table of rows; one row per line reads best.

from __future__ import annotations

from partners.cases import Case

TIME = 1764583200  # 2025-12-01T10:00:00Z
EMAIL = "tea.lover@example.com"
CUSTOMER = {"customer_id": "cust-7", "identifiers": {"id": "cust-7", "email": EMAIL, "cio_id": "a1b2c3d4e5"}}
EMAIL_MESSAGE = {**CUSTOMER, "campaign_id": 23, "action_id": 42, "delivery_id": "RAECAAFwnUSneIa0ZXkmq8Ed",
                 "recipient": EMAIL, "subject": "Tea of the month"}  # fmt: skip
PUSH_MESSAGE = {**CUSTOMER, "broadcast_id": 9, "action_id": 37, "delivery_id": "RPILAgUBcRhIBqSfeiIw",
                "recipients": [{"device_id": "fcm-token-1", "device_platform": "android"}]}  # fmt: skip
SMS_MESSAGE = {**CUSTOMER, "newsletter_id": 736, "action_id": 41, "delivery_id": "ROk1AAIBcR4iT6mu",
               "recipient": "+14155550142"}  # fmt: skip
FAILED = {"failure_message": "550 5.5.0 mailbox unavailable"}
CLICK = {"href": "https://leafandkettle.example.com/teas", "link_id": 1}

# (object_type, metric, data, Segment name, spec properties the row must carry)
TYPES = [
    ("customer", "subscribed", {**CUSTOMER, "email_address": EMAIL}, "Subscribed", {}),
    ("customer", "unsubscribed", {**CUSTOMER, "email_address": EMAIL}, "Unsubscribed", {}),
    ("email", "drafted", EMAIL_MESSAGE, "Email Drafted", {"campaign_id": "23"}),
    ("email", "attempted", {**EMAIL_MESSAGE, **FAILED}, "Email Attempted", {"reason": FAILED["failure_message"]}),
    ("email", "sent", {**EMAIL_MESSAGE, "content": "<p>Hello</p>"}, "Email Sent", {"campaign_id": "23"}),
    ("email", "delivered", EMAIL_MESSAGE, "Email Delivered",
     {"campaign_id": "23", "email_id": "RAECAAFwnUSneIa0ZXkmq8Ed", "email_subject": "Tea of the month"}),
    ("email", "opened", EMAIL_MESSAGE, "Email Opened", {"campaign_id": "23", "action_id": 42}),
    ("email", "clicked", {**EMAIL_MESSAGE, **CLICK}, "Email Link Clicked",
     {"link_url": CLICK["href"], "link_id": 1}),
    ("email", "converted", EMAIL_MESSAGE, "Email Converted", {}),
    ("email", "bounced", {**EMAIL_MESSAGE, **FAILED}, "Email Bounced", {"reason": FAILED["failure_message"]}),
    ("email", "spammed", EMAIL_MESSAGE, "Email Marked as Spam", {}),
    ("email", "dropped", {**EMAIL_MESSAGE, **FAILED}, "Email Suppressed", {}),
    ("email", "failed", {**EMAIL_MESSAGE, **FAILED}, "Email Failed", {}),
    ("email", "unsubscribed", EMAIL_MESSAGE, "Email Unsubscribed", {}),
    ("push", "drafted", PUSH_MESSAGE, "push_drafted", {"campaign_id": "9"}),
    ("push", "attempted", {**PUSH_MESSAGE, "failure_message": "NoDevicesSynced"}, "push_attempted", {}),
    ("push", "sent", PUSH_MESSAGE, "Push Notification Sent", {"campaign_id": "9"}),
    ("push", "delivered", PUSH_MESSAGE, "Push Notification Received", {}),
    ("push", "opened", PUSH_MESSAGE, "Push Notification Tapped", {}),
    ("push", "clicked", {**PUSH_MESSAGE, "href": "app://product/2", "link_id": 1}, "push_clicked", {}),
    ("push", "converted", PUSH_MESSAGE, "push_converted", {}),
    ("push", "bounced", PUSH_MESSAGE, "Push Notification Bounced", {}),
    ("push", "failed", {**PUSH_MESSAGE, "failure_message": "InvalidToken"}, "push_failed", {}),
    ("sms", "attempted", {**SMS_MESSAGE, "failure_message": "Twilio Error 21408"}, "sms_attempted", {}),
    ("sms", "sent", SMS_MESSAGE, "SMS Sent", {"campaign_id": "736"}),
    ("sms", "delivered", SMS_MESSAGE, "SMS Delivered", {}),
    ("sms", "clicked", {**SMS_MESSAGE, "href": "https://app.example.com/verify", "link_id": 1}, "SMS Link Clicked",
     {"link_url": "https://app.example.com/verify"}),
    ("sms", "bounced", SMS_MESSAGE, "SMS Bounced", {}),
    ("sms", "failed", {**SMS_MESSAGE, "failure_message": "Unreachable"}, "sms_failed", {}),
    ("in_app", "sent", {**CUSTOMER, "campaign_id": 5, "delivery_id": "RIN1"}, "in_app_sent", {}),
    ("in_app", "opened", {**CUSTOMER, "campaign_id": 5, "delivery_id": "RIN1"}, "In-App Message Viewed", {}),
    ("in_app", "clicked", {**CUSTOMER, "campaign_id": 5, "delivery_id": "RIN1", "action_name": "buy"},
     "In-App Message Clicked", {}),
    ("slack", "sent", {**CUSTOMER, "broadcast_id": 9, "delivery_id": "RS1", "recipient": "#signups"},
     "slack_sent", {}),
    ("webhook", "sent", {**CUSTOMER, "broadcast_id": 9, "delivery_id": "RW1",
                         "recipient": "https://hooks.example.com/x"}, "webhook_sent", {}),
    ("webhook", "failed", {**CUSTOMER, "broadcast_id": 6, "delivery_id": "RW2",
                           "failure_message": "HTTP 404 Not Found"}, "webhook_failed", {}),
]  # fmt: skip


def event(number: int, object_type: str, metric: str, data: dict) -> dict:
    return {
        "event_id": f"01E4C4CT6YDC7Y5M7FE1GW{number:04d}",
        "object_type": object_type,
        "metric": metric,
        "timestamp": TIME + number,
        "data": data,
    }


def cases() -> list[Case]:
    found = []
    for number, (object_type, metric, data, name, expected) in enumerate(TYPES):
        payload = event(number, object_type, metric, data)
        # The recipient is an email only for email messages; identifiers.email names the person otherwise.
        found.append(
            Case(
                kind="customerio",
                partner_type=f"{object_type}.{metric}",
                event=payload,
                name=name,
                partner_id=payload["event_id"],
                timestamp=f"2025-12-01 10:00:{number:02d}",
                user_id="cust-7",
                email=EMAIL,
                properties=expected,
            )
        )
    return found
