"""The demo story: a fictional coffee-subscription shop over the last 12 months.

`generate_story(seed, size, now)` describes ``size`` people who visit the shop's website and buy, read the
shop's Braze email, push and in-app messages (and a sister brand's Customer.io newsletter), chat with support,
answer an NPS survey and take part in experiments. Some are business customers with Salesforce records; some
subscribe through Stripe; some have Zendesk tickets, a few still open. About a third drifted away more than
six months ago but still open the occasional email: the re-engagement audience.

The same ``(seed, size, now)`` always gives the same story, including every ``messageId``, so sending it twice
is deduplicated by the warehouse. Events are produced lazily, person by person, so millions of events stream
without being held in memory.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from interaction_pipeline.story import salesforce as story_salesforce
from interaction_pipeline.story import stripe as story_stripe
from interaction_pipeline.story import zendesk as story_zendesk
from interaction_pipeline.story.braze import braze_events
from interaction_pipeline.story.campaigns import Catalog, make_catalog
from interaction_pipeline.story.partners import (
    chatlio_events,
    customerio_events,
    delighted_events,
    statsig_events,
)
from interaction_pipeline.story.people import Profile, make_profile, profile_rng
from interaction_pipeline.story.timeline import segment_time, to_epoch
from interaction_pipeline.story.website import website_events

# (source name, kind) of every event source the story sends through; the kind names the partner tool.
# Sources in WEBHOOK_SOURCES yield their partner's native webhook events; the others Segment messages.
WEBHOOK_SOURCES = frozenset({"braze", "customerio"})
SOURCES = (
    ("website", "website"),
    ("braze", "braze"),
    ("customerio", "customerio"),
    ("chatlio", "chatlio"),
    ("delighted", "delighted"),
    ("statsig", "statsig"),
)
OBJECT_COLLECTIONS = (
    "stripe/customers",
    "stripe/subscriptions",
    "stripe/invoices",
    "stripe/charges",
    "stripe/products",
    "stripe/prices",
    "zendesk/tickets",
    "zendesk/users",
    "zendesk/organizations",
    "salesforce/Account",
    "salesforce/Contact",
    "salesforce/Lead",
    "salesforce/Opportunity",
)


@dataclass
class Story:
    seed: int
    size: int
    now: datetime

    @property
    def sources(self) -> list[tuple[str, str]]:
        return list(SOURCES)

    @cached_property
    def epoch_now(self) -> float:
        return to_epoch(self.now)

    @cached_property
    def catalog(self) -> Catalog:
        return make_catalog(self.seed, self.epoch_now)

    def profiles(self) -> Iterator[Profile]:
        for index in range(self.size):
            yield make_profile(self.seed, index, self.size, self.epoch_now)

    def events(self) -> Iterator[tuple[str, dict]]:
        """Every event as ``(source name, event)``, person by person (not in time order).

        For a source in ``WEBHOOK_SOURCES`` the event is the partner's own webhook event (with its stable
        event id), for the others a Segment message with a stable ``messageId``; each has a historical time
        and the ids exactly as that partner would send them.
        """
        for profile in self.profiles():
            yield from self.person_events(profile)

    def person_events(self, profile: Profile) -> Iterator[tuple[str, dict]]:
        catalog = self.catalog
        rng = profile_rng(self.seed, profile.index, salt=3)
        emit, next_id = _emitter(f"{self.seed:x}-{profile.index:x}-")
        for message in website_events(rng, profile, emit):
            yield "website", message
        yield from braze_events(rng, profile, catalog, emit, next_id)
        yield from customerio_events(rng, profile, catalog, next_id)
        yield from chatlio_events(rng, profile, catalog, emit)
        yield from delighted_events(rng, profile, emit)
        yield from statsig_events(rng, profile, catalog, emit)

    def expected_events(self, sample: int = 200) -> int:
        """About how many events `events()` yields, from the first ``sample`` people (for progress bars)."""
        counted = min(sample, self.size)
        if counted == 0:
            return 0
        total = sum(
            1
            for index in range(counted)
            for _ in self.person_events(make_profile(self.seed, index, self.size, self.epoch_now))
        )
        return round(total * self.size / counted)

    @cached_property
    def objects(self) -> dict[str, list[dict]]:
        """Vendor objects keyed ``"<vendor>/<collection>"`` (see the brief's Sandbox section)."""
        now = self.epoch_now
        objects: dict[str, list[dict]] = {name: [] for name in OBJECT_COLLECTIONS}
        products, prices = story_stripe.catalog_objects(now)
        objects["stripe/products"], objects["stripe/prices"] = products, prices
        objects["zendesk/users"].extend(story_zendesk.agent_users(now))
        companies: set[int] = set()
        next_ticket_id = 1
        for profile in self.profiles():
            parts = [story_zendesk.requester_objects(self.seed, profile, next_ticket_id, now)]
            if profile.subscriber:
                parts.append(story_stripe.subscriber_objects(self.seed, profile, prices, now))
            if profile.company is not None:
                companies.add(profile.company)
                parts.append(story_salesforce.contact_records(self.seed, profile, now))
            for part in parts:
                for name, items in part.items():
                    objects[name].extend(items)
            next_ticket_id += len(parts[0].get("zendesk/tickets", ()))
        for company in sorted(companies):
            objects["zendesk/organizations"].append(story_zendesk.organization(company, now))
            for name, items in story_salesforce.account_records(self.seed, company, now).items():
                objects[name].extend(items)
        for number in range(max(3, self.size // 50)):
            objects["salesforce/Lead"].append(story_salesforce.prospect_lead(self.seed, number, now))
        return objects

    def ground_truth(self) -> dict:
        """What the funnels and audiences must contain (rules: `story.truth`)."""
        from interaction_pipeline.story.truth import compute_ground_truth

        return compute_ground_truth(self)

    def write_ground_truth(self, path: Path | str) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.ground_truth(), indent=2, sort_keys=True))
        return path


def _emitter(prefix: str):
    """``emit`` stamps a message with its stable ``messageId`` and ``timestamp``; ``next_id`` gives a partner
    event its stable id. Both draw from one counter, so no two events of a person share an id."""
    counter = itertools.count()

    def next_id() -> str:
        return f"{prefix}{next(counter):x}"

    def emit(moment: float, message: dict) -> dict:
        message["messageId"] = next_id()
        message["timestamp"] = segment_time(moment)
        return message

    return emit, next_id


def generate_story(seed: int = 42, size: int = 5000, now: datetime | None = None) -> Story:
    """The demo story for ``size`` people over the 12 months before ``now`` (default: this second)."""
    if now is None:
        now = datetime.now(UTC).replace(microsecond=0)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return Story(seed=seed, size=size, now=now)
