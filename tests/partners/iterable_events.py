"""Iterable system webhook events, one per event type its System Webhooks reference lists.

Field names are those of Iterable's reference (``email``, ``userId``, ``eventName``, ``dataFields`` with
``createdAt``, ``campaignId``, ``campaignName``, ``templateId``, ``messageId``, ``emailSubject``, ``url``, ...);
the values are this test's own.
"""

# ruff: noqa: E501 - the events are a table of rows; one row per line reads best.

from __future__ import annotations

from partners.cases import Case

EMAIL = "docs.reader@example.com"
MESSAGE = {"campaignId": 59667, "campaignName": "Winter Blend", "templateId": 93849, "templateName": "Winter",
           "channelId": 3420, "messageTypeId": 3866, "experimentId": None, "workflowId": None,
           "workflowName": None, "emailSubject": "A winter blend for you"}  # fmt: skip
OPEN = {
    "userAgent": "Mozilla/5.0 (iPhone)",
    "ip": "203.0.113.9",
    "userAgentDevice": "iPhone",
    "proxySource": None,
}
PUSH = {"platformEndpoint": "<endpoint>", "pushMessage": "Your order ships today", "payload": {"path": "orders"},
        "badge": None, "sound": "", "contentAvailable": False, "deeplink": None, "locale": None}  # fmt: skip
SMS = {"toPhoneNumber": "+14155550142", "fromPhoneNumber": "+14155550100", "smsMessage": "Flash sale"}

# (eventName, extra dataFields, Segment name, spec properties the row must carry)
TYPES = [
    ("emailSend", {"contentId": 331201}, "Email Delivered",
     {"campaign_id": "59667", "campaign_name": "Winter Blend", "email_subject": "A winter blend for you"}),
    ("emailOpen", OPEN, "Email Opened", {"user_agent": "Mozilla/5.0 (iPhone)"}),
    ("emailClick", {**OPEN, "url": "https://shop.example.com/winter", "linkUrl": "https://shop.example.com/winter",
                    "linkId": "3145668988", "canonicalUrlId": "3145668988"},
     "Email Link Clicked", {"link_url": "https://shop.example.com/winter", "link_id": "3145668988"}),
    ("emailBounce", {"recipientState": "HardBounce"}, "Email Bounced", {"campaign_id": "59667"}),
    ("emailComplaint", {"recipientState": "Complaint"}, "Email Marked as Spam", {}),
    ("emailSendSkip", {"reason": "DuplicateMarketingMessage"}, "emailSendSkip",
     {"reason": "DuplicateMarketingMessage"}),
    ("emailSubscribe", {"signupSource": "WebForm", "emailListIds": [1589748]}, "Subscribed", {}),
    ("emailUnSubscribe", {"unsubSource": "EmailLink", "emailListIds": [], "channelIds": [27447]}, "Unsubscribed", {}),
    ("hostedUnsubscribeClick", {**OPEN, "url": "https://links.iterable.com/unsub"}, "Hosted Unsubscribe Click", {}),
    ("inAppSend", {"messageContext": {"saveToInbox": False, "trigger": "immediate"}}, "In App Sent", {}),
    ("inAppOpen", {}, "In App Opened", {}),
    ("inAppClick", {"url": "iterable://dismiss"}, "In App Clicked", {}),
    ("inAppSendSkip", {"reason": "InAppMessageExpired"}, "inAppSendSkip", {}),
    ("inAppDelete", {"deleteAction": "inbox-swipe"}, "inAppDelete", {}),
    ("inAppRecall", {}, "inAppRecall", {}),
    ("pushSend", PUSH, "Push Delivered", {"campaign_id": "59667"}),
    ("pushOpen", {**PUSH, "appAlreadyRunning": False}, "Push Opened", {}),
    ("pushBounce", PUSH, "Push Bounced", {}),
    ("pushSendSkip", {"reason": "DuplicateMarketingMessage"}, "pushSendSkip", {}),
    ("pushUninstall", {"platformEndpoint": "<endpoint>"}, "Mobile App Uninstalled", {}),
    ("smsSend", SMS, "SMS Delivered", {}),
    ("smsBounce", {**SMS, "smsProviderResponse": {"code": 30003}}, "SMS Bounced", {}),
    ("smsClick", {**SMS, "url": "https://shop.example.com/sale"}, "SMS Clicked", {}),
    ("smsReceived", {"fromPhoneNumber": "+14155550142", "toPhoneNumber": "+14155550100", "smsMessage": "STOP"},
     "SMS Received", {}),
    ("smsSendSkip", {"reason": "DuplicateMarketingMessage"}, "smsSendSkip", {}),
    ("webPushSend", {"webPushMessage": "Back in stock"}, "Web Push Delivered", {}),
    ("webPushClick", {"url": "https://shop.example.com/"}, "Web Push Clicked", {}),
    ("webPushSendSkip", {"reason": "DuplicateMarketingMessage"}, "webPushSendSkip", {}),
]  # fmt: skip


def event(number: int, name: str, fields: dict, with_user_id: bool) -> dict:
    data_fields = {
        **MESSAGE,
        "messageId": f"d0aa7801f91f4824997a631f3ed5{number:04d}",
        "email": EMAIL,
        "createdAt": f"2025-12-01 10:00:{number:02d} +00:00",
        **fields,
    }
    payload = {"email": EMAIL, "eventName": name, "dataFields": data_fields}
    if with_user_id:
        payload["userId"] = "user-9"
    return payload


def cases() -> list[Case]:
    from interaction_pipeline.collector.webhooks.common import content_id

    found = []
    for number, (name, fields, segment_name, expected) in enumerate(TYPES):
        # Half the events come from projects that know the user id; the others name the person by email only.
        with_user_id = number % 2 == 0
        payload = event(number, name, fields, with_user_id)
        found.append(
            Case(
                kind="iterable",
                partner_type=name,
                event=payload,
                name=segment_name,
                partner_id=content_id(payload),
                timestamp=f"2025-12-01 10:00:{number:02d}",
                user_id="user-9" if with_user_id else None,
                anonymous_id=None if with_user_id else EMAIL,
                email=EMAIL,
                properties=expected,
            )
        )
    return found
