"""Braze Currents events for one person: email, push and in-app, as Braze's Custom Currents Export posts
them (``{event_type, id, time, user, properties}``; the collector maps them to Segment's names).

Rates per delivered email: about 97% delivered, 12% machine opens (Apple/Google prefetch,
``machine_open: true``), human opens driven by the person's reading habit (about a quarter overall), clicks on
a share of human opens, about 0.35% unsubscribes after which Braze sends nothing more. A lapsed person keeps
opening mail but no longer clicks through to the site, so they stay out of the website data.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from interaction_pipeline.story.campaigns import BRAZE_APP_ID, Campaign, Catalog
from interaction_pipeline.story.people import Profile
from interaction_pipeline.story.website import LIBRARY, SHOP, order_completed

Emit = Callable[[float, dict], dict]
Sent = tuple[str, dict]  # (source name, message or partner event)
PREFETCH_AGENT = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
READER_AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
)


def braze_id(profile: Profile) -> str:
    """Braze's own 24-hex user id for the person (the ``user.user_id`` of every Currents event)."""
    return f"{0x65A1F0C2:08x}{profile.index:016x}"


def currents_event(event_id: str, moment: float, event_type: str, profile: Profile, properties: dict) -> dict:
    """One Currents event; times are whole Unix seconds, as Braze sends them."""
    return {
        "event_type": event_type,
        "id": event_id,
        "time": int(moment),
        "user": {"user_id": braze_id(profile), "external_user_id": profile.user_id, "timezone": "Etc/UTC"},
        "properties": properties,
    }


def _properties(campaign: Campaign, variation: tuple[str, str]) -> dict:
    return {
        "app_id": BRAZE_APP_ID,
        "send_id": variation[0][:12] + campaign.dispatch_id[:12],
        "dispatch_id": campaign.dispatch_id,
        "campaign_id": campaign.campaign_id,
        "campaign_name": campaign.campaign_name,
        "message_variation_id": variation[0],
        "message_variation_name": variation[1],
    }


def braze_events(
    rng: random.Random, profile: Profile, catalog: Catalog, emit: Emit, next_id: Callable[[], str]
) -> Iterator[Sent]:
    """All Braze events of one person, plus the website visits and orders their email clicks lead to."""
    orders = 100  # order numbers after the ones placed while browsing

    def track(moment: float, event_type: str, properties: dict) -> Sent:
        if event_type.startswith("users.messages.email."):
            properties = {**properties, "email_address": profile.email}
        return "braze", currents_event(next_id(), moment, event_type, profile, properties)

    for campaign in catalog.email:
        if campaign.send_time < profile.signup or rng.random() > campaign.reach:
            continue
        base = _properties(campaign, rng.choice(campaign.variations))
        sent = campaign.send_time + rng.uniform(0, 600)
        yield track(sent, "users.messages.email.Send", base)
        outcome = rng.random()
        if outcome > 0.97:
            bounce = "Bounce" if outcome > 0.98 else "SoftBounce"
            yield track(sent + 30, f"users.messages.email.{bounce}", base)
            continue
        delivered = sent + rng.uniform(2, 120)
        yield track(delivered, "users.messages.email.Delivery", base)
        if rng.random() < 0.12:
            yield track(
                delivered + rng.uniform(1, 60),
                "users.messages.email.Open",
                {**base, "machine_open": "true", "user_agent": PREFETCH_AGENT},
            )
        if rng.random() < profile.open_rate:
            opened = delivered + 60 + rng.expovariate(1 / 14_400) % 172_800
            reader = {**base, "user_agent": rng.choice(READER_AGENTS)}
            yield track(opened, "users.messages.email.Open", reader)
            if rng.random() < 0.25:
                yield track(opened + rng.uniform(600, 43_200), "users.messages.email.Open", reader)
            still_shopping = campaign.send_time < profile.last_active or not profile.drifting
            if still_shopping and rng.random() < profile.click_rate:
                url = rng.choice(campaign.link_urls)
                clicked = opened + rng.uniform(3, 300)
                yield track(
                    clicked,
                    "users.messages.email.Click",
                    {**base, "url": url, "user_agent": reader["user_agent"]},
                )
                yield "website", _landing(profile, clicked + 2, url, campaign, emit, reader["user_agent"])
                if rng.random() < 0.25:
                    orders += 1
                    agent = reader["user_agent"]
                    yield "website", order_completed(rng, profile, orders, clicked + 600, emit, agent)
                    yield track(clicked + 601, "users.campaigns.Conversion", base)
        if rng.random() < 0.0035:
            yield track(delivered + rng.uniform(60, 7200), "users.messages.email.Unsubscribe", base)
            break
        if rng.random() < 0.0005:
            yield track(delivered + rng.uniform(60, 7200), "users.messages.email.MarkAsSpam", base)
    if profile.has_app:
        yield from _push_and_inapp(rng, profile, catalog, track)


def _landing(profile: Profile, moment: float, url: str, campaign: Campaign, emit: Emit, agent: str) -> dict:
    path = url.removeprefix(SHOP) or "/"
    page = {"path": path, "url": url, "title": "Roastery Shop", "referrer": "", "search": "?utm_medium=email"}
    return emit(
        moment,
        {
            "type": "page",
            "name": "Landing",
            "userId": profile.user_id,
            "anonymousId": profile.anonymous_id,
            "properties": page,
            "context": {
                "page": page,
                "userAgent": agent,
                "library": LIBRARY,
                "campaign": {"name": campaign.campaign_name, "source": "braze", "medium": "email"},
            },
        },
    )


def _push_and_inapp(rng: random.Random, profile: Profile, catalog: Catalog, track) -> Iterator[Sent]:
    for campaign in catalog.push:
        if campaign.send_time < profile.signup or rng.random() > campaign.reach:
            continue
        base = _properties(campaign, campaign.variations[0])
        sent = campaign.send_time + rng.uniform(0, 300)
        yield track(sent, "users.messages.pushnotification.Send", base)
        outcome = rng.random()
        if outcome < 0.03:
            yield track(sent + 5, "users.messages.pushnotification.Bounce", base)
        elif outcome < 0.11 and (campaign.send_time < profile.last_active or not profile.drifting):
            yield track(sent + rng.uniform(10, 3600), "users.messages.pushnotification.Open", base)
    for campaign in catalog.inapp:
        if not campaign.send_time < profile.last_active or rng.random() > campaign.reach:
            continue
        base = _properties(campaign, campaign.variations[0])
        viewed = min(campaign.send_time + rng.uniform(0, 5) * 86_400, profile.last_active)
        yield track(viewed, "users.messages.inappmessage.Impression", base)
        if rng.random() < 0.15:
            yield track(
                viewed + rng.uniform(1, 20), "users.messages.inappmessage.Click", {**base, "button_id": "0"}
            )
