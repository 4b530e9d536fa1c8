"""The other partner tools: Customer.io (a second brand), Chatlio live chat, Delighted surveys, Statsig.

Customer.io events are its reporting webhooks (``{event_id, object_type, metric, timestamp, data}``). It knows
some recipients only by email: their events carry no ``customer_id``, only the email, which the collector then
uses as ``anonymousId``, as Segment's Customer.io source does.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from interaction_pipeline.story.campaigns import Catalog
from interaction_pipeline.story.people import Profile

Emit = Callable[[float, dict], dict]
Sent = tuple[str, dict]
SURVEY_QUESTION = "How likely are you to recommend Roastery Shop to a friend?"


def customerio_events(
    rng: random.Random, profile: Profile, catalog: Catalog, next_id: Callable[[], str]
) -> Iterator[Sent]:
    """The second brand's newsletter: delivered, opened, clicked, unsubscribed (its "sent" is not ticked)."""
    if rng.random() > 0.4:
        return
    person = {"identifiers": {"email": profile.email}}
    if not profile.customerio_by_email:
        person = {
            "customer_id": profile.user_id,
            "identifiers": {"id": profile.user_id, "email": profile.email},
        }
    for number, campaign in enumerate(catalog.customerio):
        if campaign.send_time < profile.signup or rng.random() > campaign.reach:
            continue
        data = {
            **person,
            "campaign_id": int(campaign.campaign_id),
            "action_id": 1,
            "delivery_id": f"{campaign.campaign_id}-{profile.index}-{number}",
            "recipient": profile.email,
            "subject": campaign.subject,
        }

        def event(moment: float, metric: str, extra: dict | None = None, data: dict = data) -> Sent:
            payload = {
                "event_id": next_id(),
                "object_type": "email",
                "metric": metric,
                "timestamp": int(moment),
                "data": {**data, **(extra or {})},
            }
            return "customerio", payload

        delivered = campaign.send_time + rng.uniform(5, 900)
        if rng.random() > 0.97:
            yield event(delivered, "bounced", {"failure_message": "550 5.1.1 mailbox unavailable"})
            continue
        yield event(delivered, "delivered")
        if rng.random() < profile.open_rate:
            opened = delivered + 60 + rng.expovariate(1 / 7200) % 172_800
            yield event(opened, "opened")
            if not profile.drifting and rng.random() < profile.click_rate:
                click = {"href": campaign.link_urls[0], "link_id": 1}
                yield event(opened + rng.uniform(3, 300), "clicked", click)
        if rng.random() < 0.003:
            yield event(delivered + 3600, "unsubscribed")
            return
        if rng.random() < 0.0005:
            yield event(delivered + 3600, "spammed")


def chatlio_events(rng: random.Random, profile: Profile, catalog: Catalog, emit: Emit) -> Iterator[Sent]:
    """One to three support chats while the person is active, in the Live Chat spec's four events."""
    if rng.random() > 0.12:
        return
    context = {"traits": {"email": profile.email}, "integration": {"name": "chatlio", "version": "1.0.0"}}
    for number in range(rng.randint(1, 3)):
        agent_id, agent_name, agent_username = rng.choice(catalog.agents)
        start = rng.uniform(profile.signup, profile.last_active)
        turns = rng.randint(1, 4)
        duration = turns * 90 + rng.randint(10, 120)
        conversation = f"chat-{profile.index}-{number}"
        base = {
            "agent_id": agent_id,
            "agent_name": agent_name,
            "agent_username": agent_username,
            "conversation_id": conversation,
            "conversation_duration": duration,
        }
        steps = [(start, "Live Chat Conversation Started")]
        for turn in range(turns):
            steps += [
                (start + turn * 90 + 20, "Live Chat Message Sent"),
                (start + turn * 90 + 60, "Live Chat Message Received"),
            ]
        steps.append((start + duration, "Live Chat Conversation Ended"))
        for message_number, (moment, event) in enumerate(steps):
            properties = {**base, "message_id": f"{conversation}-m{message_number}"}
            yield (
                "chatlio",
                emit(
                    moment,
                    {
                        "type": "track",
                        "event": event,
                        "userId": profile.user_id,
                        "properties": properties,
                        "context": context,
                    },
                ),
            )


def delighted_events(rng: random.Random, profile: Profile, emit: Emit) -> Iterator[Sent]:
    """An NPS answer from about one person in six, sometimes a second one later."""
    if rng.random() > 0.17:
        return
    context = {
        "traits": {"email": profile.email, "delighted_person_id": str(500_000 + profile.index)},
        "integration": {"name": "delighted", "version": "1.0.0"},
    }
    base_score = rng.choice((3, 6, 8, 9, 10))
    for number in range(1 if rng.random() < 0.7 else 2):
        score = max(0, min(10, base_score + rng.randint(-1, 1)))
        answered = rng.uniform(profile.signup, profile.last_active)
        properties = {
            "survey_id": "nps-2026",
            "survey_name": "Roastery NPS",
            "survey_type": "NPS",
            "survey_medium": "Email",
            "survey_tool": "Delighted",
            "survey_question_id": "nps",
            "survey_question_name": "NPS",
            "survey_question_text": SURVEY_QUESTION,
            "survey_permalink": f"https://delighted.example.com/r/{profile.index}-{number}",
            "survey_tags": ["roastery"],
            "survey_notes": [],
            "survey_properties": {},
            "score": score,
        }
        yield (
            "delighted",
            emit(
                answered,
                {
                    "type": "track",
                    "event": "Survey Question Answered",
                    "userId": profile.user_id,
                    "properties": properties,
                    "context": context,
                },
            ),
        )


def statsig_events(rng: random.Random, profile: Profile, catalog: Catalog, emit: Emit) -> Iterator[Sent]:
    """Experiment exposures while the person visits during an experiment; ``anonymousId`` is the stableID."""
    stable_id = f"stable-{profile.anonymous_id[-8:]}"
    context = {"integration": {"name": "statsig", "version": "1.0.0"}}
    for experiment in catalog.experiments:
        if profile.last_active < experiment.start or rng.random() > 0.6:
            continue
        group = rng.choice(experiment.groups)
        first = max(experiment.start, profile.signup)
        for _ in range(rng.randint(1, 3)):
            moment = rng.uniform(first, max(first, profile.last_active))
            yield (
                "statsig",
                emit(
                    moment,
                    {
                        "type": "track",
                        "event": "statsig::experiment_exposure",
                        "userId": profile.user_id,
                        "anonymousId": stable_id,
                        "properties": {
                            "metadata": {
                                "config": experiment.name,
                                "ruleID": experiment.rule_id,
                                "reason": "Network",
                                "group_name": group,
                            },
                            "value": group,
                        },
                        "context": context,
                    },
                ),
            )
