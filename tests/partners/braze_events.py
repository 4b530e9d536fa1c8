"""Braze Currents events in the Custom HTTP Connector's shape, one per event type Braze exports.

Field names are those of Braze's Currents event glossary ("Custom HTTP Connector" tab) and its published
sample data; the values are this test's own.
"""

# ruff: noqa: E501 - the events are a table of rows; one row per line reads best.

from __future__ import annotations

from partners.cases import Case

TIME = 1764583200  # 2025-12-01T10:00:00Z
TIMESTAMP = "2025-12-01 10:00:00"
USER = {
    "user_id": "65a1f0c2b3d4e5f601234567",
    "external_user_id": "user-42",
    "device_id": "d7c6b5a4-0000-4000-8000-000000000042",
    "timezone": "America/New_York",
}
EMAIL = "reader@example.com"
CAMPAIGN = {
    "app_group_id": "a0a0a0a0-1111-4222-8333-444455556666",
    "campaign_id": "c0ffee00-1111-4222-8333-444455556666",
    "campaign_name": "Spring Sale",
    "message_variation_id": "fade0000-1111-4222-8333-444455556666",
    "message_variation_name": "Variant A",
    "dispatch_id": "65a1f0c2b3d4e5f6dispatch1",
    "send_id": "spring-2025",
}
EMAIL_FIELDS = {**CAMPAIGN, "email_address": EMAIL, "esp": "SendGrid", "from_domain": "shop.example.com"}
PUSH_FIELDS = {
    **CAMPAIGN,
    "app_id": "app-ios-1",
    "platform": "ios",
    "device_model": "iPhone 15",
    "os_version": "17.6.1",
}
SMS_FIELDS = {**CAMPAIGN, "to_phone_number": "+14155550142", "from_phone_number": "+14155550100",
              "subscription_group_id": "sg-sms-1"}  # fmt: skip

# (event_type, properties, Segment name, spec properties the row must carry)
TYPES = [
    ("users.messages.email.Send", {**EMAIL_FIELDS, "ip_pool": "marketing"}, "Email Sent", {}),
    ("users.messages.email.Delivery", {**EMAIL_FIELDS, "sending_ip": "198.51.100.7"}, "Email Delivered", {}),
    ("users.messages.email.Open",
     {**EMAIL_FIELDS, "user_agent": "Mozilla/5.0", "machine_open": "true", "is_amp": False},
     "Email Opened", {"machine_open": True, "user_agent": "Mozilla/5.0"}),
    ("users.messages.email.Click",
     {**EMAIL_FIELDS, "url": "https://shop.example.com/spring", "link_id": "l1", "link_alias": "hero",
      "user_agent": "Mozilla/5.0 (iPhone)", "is_suspected_bot_click": False},
     "Email Link Clicked", {"link_url": "https://shop.example.com/spring", "link_id": "l1", "link_alias": "hero"}),
    ("users.messages.email.Bounce", {**EMAIL_FIELDS, "bounce_reason": "550 mailbox unavailable", "is_drop": False},
     "Email Bounced", {"bounce_reason": "550 mailbox unavailable"}),
    ("users.messages.email.SoftBounce", {**EMAIL_FIELDS, "bounce_reason": "452 mailbox full"},
     "Email Soft Bounced", {}),
    ("users.messages.email.MarkAsSpam", {**EMAIL_FIELDS, "user_agent": "Mozilla/5.0"}, "Email Marked As Spam", {}),
    ("users.messages.email.Unsubscribe", EMAIL_FIELDS, "Email Unsubscribed", {}),
    ("users.messages.email.Abort", {**EMAIL_FIELDS, "abort_type": "liquid_abort_message"}, "Abort Message Events", {}),
    ("users.behaviors.subscription.GlobalStateChange",
     {"email_address": EMAIL, "subscription_status": "Unsubscribed", "state_change_source": "Preference Center"},
     "Global Subscription Group State Change", {"subscription_status": "Unsubscribed"}),
    ("users.behaviors.subscriptiongroup.StateChange",
     {"email_address": EMAIL, "subscription_group_id": "sg-news", "subscription_status": "Subscribed",
      "state_change_source": "REST"},
     "Subscription Group State Changed", {"subscription_group_id": "sg-news"}),
    ("users.messages.pushnotification.Send", PUSH_FIELDS, "Push Notification Sent", {"platform": "ios"}),
    ("users.messages.pushnotification.Open", {**PUSH_FIELDS, "button_action_type": "uri"},
     "Push Notification Tapped", {}),
    ("users.messages.pushnotification.Bounce", PUSH_FIELDS, "Push Notification Bounced", {}),
    ("users.messages.pushnotification.IosForeground", PUSH_FIELDS, "iOS Foreground Push Opened", {}),
    ("users.messages.pushnotification.Abort", PUSH_FIELDS, "Abort Message Events", {}),
    ("users.messages.inappmessage.Impression", PUSH_FIELDS, "In-App Message Viewed", {}),
    ("users.messages.inappmessage.Click", {**PUSH_FIELDS, "button_id": "1"}, "In-App Message Clicked",
     {"button_id": "1"}),
    ("users.messages.inappmessage.Abort", PUSH_FIELDS, "Abort Message Events", {}),
    ("users.behaviors.app.NewsFeedImpression", {"app_id": "app-ios-1", "platform": "ios"}, "News Feed Viewed", {}),
    ("users.messages.newsfeedcard.Impression", {"app_id": "app-ios-1", "card_id": "card-1"},
     "News Feed Card Viewed", {"card_id": "card-1"}),
    ("users.messages.newsfeedcard.Click", {"app_id": "app-ios-1", "card_id": "card-1"}, "News Feed Card Clicked",
     {"card_id": "card-1"}),
    ("users.messages.contentcard.Send", {**CAMPAIGN, "content_card_id": "cc-1"}, "Content Card Sent", {}),
    ("users.messages.contentcard.Impression", {**PUSH_FIELDS, "content_card_id": "cc-1"}, "Content Card Viewed", {}),
    ("users.messages.contentcard.Click", {**PUSH_FIELDS, "content_card_id": "cc-1"}, "Content Card Clicked", {}),
    ("users.messages.contentcard.Dismiss", {**PUSH_FIELDS, "content_card_id": "cc-1"}, "Content Card Dismissed", {}),
    ("users.messages.contentcard.Abort", CAMPAIGN, "Abort Message Events", {}),
    ("users.messages.webhook.Send", CAMPAIGN, "Webhook Sent", {}),
    ("users.messages.webhook.Abort", CAMPAIGN, "Abort Message Events", {}),
    ("users.campaigns.Conversion", {**CAMPAIGN, "conversion_behavior": "Makes Any Purchase",
                                    "conversion_behavior_index": 0}, "Campaign Converted", {}),
    ("users.campaigns.EnrollInControl", CAMPAIGN, "Campaign Control Group Entered", {}),
    ("users.canvas.Entry", {"canvas_id": "cv-1", "canvas_name": "Onboarding", "canvas_variation_id": "cvv-1",
                            "in_control_group": False}, "Canvas Entered", {"canvas_id": "cv-1"}),
    ("users.canvas.Conversion", {"canvas_id": "cv-1", "canvas_name": "Onboarding",
                                 "conversion_behavior": "Starts Session"}, "Canvas Converted", {}),
    ("users.canvas.exit.MatchedAudience", {"canvas_id": "cv-1", "canvas_step_id": "st-3"}, "Canvas Exited", {}),
    ("users.canvas.exit.PerformedEvent", {"canvas_id": "cv-1", "canvas_step_id": "st-4"}, "Canvas Exited", {}),
    ("users.messages.sms.Send", SMS_FIELDS, "SMS Sent", {"to_phone_number": "+14155550142"}),
    ("users.messages.sms.CarrierSend", SMS_FIELDS, "SMS Sent to Carrier", {}),
    ("users.messages.sms.Delivery", SMS_FIELDS, "SMS Delivered", {}),
    ("users.messages.sms.DeliveryFailure", {**SMS_FIELDS, "error": "Unreachable"}, "SMS Delivery Failed", {}),
    ("users.messages.sms.Rejection", {**SMS_FIELDS, "error": "Blocked"}, "SMS Rejected", {}),
    ("users.messages.sms.InboundReceive", {"inbound_phone_number": "+14155550142", "action": "STOP",
                                            "message_body": "STOP"}, "SMS Inbound Received", {}),
    ("users.messages.sms.ShortLinkClick", {**SMS_FIELDS, "url": "https://brz.ai/abc"}, "SMS Short Link Clicks",
     {"link_url": "https://brz.ai/abc"}),
    ("users.messages.sms.Abort", SMS_FIELDS, "Abort Message Events", {}),
    ("users.messages.whatsapp.Send", {**CAMPAIGN, "to_phone_number": "+14155550142"}, "WhatsApp Send", {}),
    ("users.messages.whatsapp.Delivery", {**CAMPAIGN, "to_phone_number": "+14155550142"}, "WhatsApp Delivery", {}),
    ("users.messages.whatsapp.Read", {**CAMPAIGN, "to_phone_number": "+14155550142"}, "WhatsApp Read", {}),
    ("users.messages.whatsapp.Failure", {**CAMPAIGN, "provider_error_code": "131026"}, "WhatsApp Failure", {}),
    ("users.messages.whatsapp.InboundReceive", {"inbound_phone_number": "+14155550142", "message_body": "hi"},
     "WhatsApp Inbound Received", {}),
    ("users.messages.whatsapp.Abort", CAMPAIGN, "WhatsApp Abort", {}),
    ("users.behaviors.Uninstall", {"app_id": "app-ios-1"}, "Application Uninstalled", {}),
    # A type this mapping does not know keeps Braze's own name.
    ("users.behaviors.CustomEvent", {"app_id": "app-ios-1", "name": "Viewed Recipe",
                                     "custom_properties": {"recipe": "cold brew"}},
     "users.behaviors.CustomEvent", {"name": "Viewed Recipe"}),
]  # fmt: skip


def event(number: int, event_type: str, properties: dict) -> dict:
    return {
        "event_type": event_type,
        "id": f"7c9e6679-7425-40de-944b-e07fc1f9{number:04d}",
        "time": TIME + number,
        "user": USER,
        "properties": properties,
    }


def cases() -> list[Case]:
    found = []
    for number, (event_type, properties, name, expected) in enumerate(TYPES):
        payload = event(number, event_type, properties)
        found.append(
            Case(
                kind="braze",
                partner_type=event_type,
                event=payload,
                name=name,
                partner_id=payload["id"],
                timestamp=f"2025-12-01 10:00:{number:02d}",
                user_id=USER["external_user_id"],
                anonymous_id=USER["user_id"],
                email=properties.get("email_address"),
                properties={**{k: v for k, v in CAMPAIGN.items() if k in properties}, **expected},
            )
        )
    return found
