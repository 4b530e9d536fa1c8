"""What the shop's marketing tools send during the story: campaigns, experiments, surveys, chat agents.

Drawn once per seed. Scheduled campaigns go to many people at once, so they share a ``dispatch_id`` exactly as
Braze documents for scheduled sends.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from interaction_pipeline.story.timeline import DAY, HOUR, clear_of_boundary

BRAZE_APP_ID = "b7a6f5e4-0d3c-4b2a-9f18-0e6d5c4b3a21"
EMAIL_THEMES = (
    "Weekly Roast Picks",
    "Spring Sale",
    "New Single Origins",
    "Brewing Guide",
    "Members Only",
    "Summer Cold Brew",
    "Back in Stock",
    "Autumn Blends",
    "Holiday Gift Guide",
    "Year in Coffee",
)
PUSH_THEMES = ("Your order ships today", "Flash sale: 2 hours", "New drop", "Refill reminder")
INAPP_THEMES = ("Try the subscription", "Rate your last order")
CUSTOMERIO_THEMES = ("Leaf & Kettle Newsletter", "Leaf & Kettle Tea of the Month", "Leaf & Kettle Restock")


@dataclass(frozen=True, slots=True)
class Campaign:
    channel: str  # email | push | inapp | customerio
    campaign_id: str
    campaign_name: str
    send_time: float
    reach: float  # share of eligible people who receive it
    dispatch_id: str
    variations: tuple[tuple[str, str], ...]  # (message_variation_id, message_variation_name)
    subject: str = ""
    link_urls: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Experiment:
    name: str
    rule_id: str
    groups: tuple[str, ...]
    start: float


@dataclass(frozen=True, slots=True)
class Catalog:
    email: tuple[Campaign, ...]
    push: tuple[Campaign, ...]
    inapp: tuple[Campaign, ...]
    customerio: tuple[Campaign, ...]
    experiments: tuple[Experiment, ...]
    agents: tuple[tuple[str, str, str], ...]  # (agent_id, agent_name, agent_username)


def _hex(rng: random.Random, length: int = 24) -> str:
    return f"{rng.getrandbits(length * 4):0{length}x}"


def _schedule(rng: random.Random, count: int, now: float, first_day: int = 355) -> list[float]:
    """Evenly spread sends over the year, never in the last three days, never near the audience boundary."""
    span = (first_day - 3) * DAY
    times = []
    for number in range(count):
        moment = now - first_day * DAY + (number + rng.uniform(0.2, 0.8)) * span / count
        moment = moment - (moment % DAY) + rng.choice((9, 10, 14, 17)) * HOUR
        times.append(min(clear_of_boundary(moment, now), now - 3 * DAY))
    return times


def _campaigns(rng, channel, themes, count, now, reach, links=()) -> tuple[Campaign, ...]:
    result = []
    for number, send_time in enumerate(_schedule(rng, count, now)):
        theme = themes[number % len(themes)]
        name = f"{theme} #{number // len(themes) + 1}" if count > len(themes) else theme
        cid = str(1000 + number) if channel == "customerio" else _hex(rng)
        variations = tuple((_hex(rng), f"Variant {letter}") for letter in "AB"[: 1 + (number % 2)])
        result.append(
            Campaign(
                channel,
                cid,
                name,
                send_time,
                rng.uniform(*reach),
                _hex(rng),
                variations,
                subject=f"{name} ☕",
                link_urls=links,
            )
        )
    return tuple(result)


def make_catalog(seed: int, now: float) -> Catalog:
    rng = random.Random(seed * 31 + 5)
    shop_links = (
        "https://shop.example.com/offers",
        "https://shop.example.com/products/house-blend",
        "https://shop.example.com/subscribe",
    )
    return Catalog(
        email=_campaigns(rng, "email", EMAIL_THEMES, 20, now, (0.55, 0.9), shop_links),
        push=_campaigns(rng, "push", PUSH_THEMES, 10, now, (0.5, 0.8)),
        inapp=_campaigns(rng, "inapp", INAPP_THEMES, 4, now, (0.3, 0.5)),
        customerio=_campaigns(
            rng,
            "customerio",
            CUSTOMERIO_THEMES,
            8,
            now,
            (0.6, 0.9),
            ("https://leafandkettle.example.com/teas",),
        ),
        experiments=(
            Experiment("checkout_redesign", _hex(rng, 8), ("control", "one_page"), now - 300 * DAY),
            Experiment("free_shipping_banner", _hex(rng, 8), ("control", "banner"), now - 150 * DAY),
            Experiment(
                "subscription_pricing",
                _hex(rng, 8),
                ("control", "annual_first", "monthly_first"),
                now - 60 * DAY,
            ),
        ),
        agents=(
            ("ag_101", "Rosa Martin", "rosa"),
            ("ag_102", "Kenji Ito", "kenji"),
            ("ag_103", "Amara Okafor", "amara"),
        ),
    )
