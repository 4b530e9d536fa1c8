"""Ground truth: what the warehouse's funnels and audiences must contain for a story.

Computed from the generated events and objects alone, by the plain rules below, so that the dbt models can
be checked against it. The rules:

Identity
    A person is a ``userId``. ``identify`` calls link an ``anonymousId`` to a ``userId`` and give the person's
    email (compared lowercased and trimmed). A message without ``userId`` belongs to the person whose linked
    anonymous id it carries, or, failing that, whose email equals the ``anonymousId`` (Customer.io sends the
    email there when it has no id). Zendesk requesters are people by ``external_id``, else by email.

Purchases
    An ``Order Completed`` event, or a Stripe payment: a succeeded charge, or a paid invoice that no succeeded
    charge belongs to (paid out of band or from credit balance) and that is not for nothing. An invoice paid
    by a charge is that charge, counted once.

Email funnel (``email_campaigns``, keyed ``"<source>:<campaign_id>"``)
    Each step counts unique people: ``sent`` (``Email Sent``; Customer.io's source has none, so 0),
    ``delivered``, ``bounced`` (sent but never delivered: an ``Email Bounced`` or ``Email Soft Bounced`` and
    no ``Email Delivered``), ``opened`` (at least one human open: ``Email Opened`` whose
    ``properties.machine_open`` is not ``true``), ``machine_opened``, ``clicked`` (``Email Link Clicked``),
    ``unsubscribed`` (``Email Unsubscribed``), ``converted`` (Braze's ``Campaign Converted``) and
    ``conversions``: people who purchased after a human open or a click of the campaign, at most 7 days
    after it. ``events`` counts messages per event name, with ``Email Opened`` split into
    ``Email Opened (human)`` and ``Email Opened (machine)``.

Audiences (members are people; ``user_ids`` and lowercased ``emails`` are listed)
    ``open_tickets`` (suppression): people who requested a Zendesk ticket whose status is new, open, pending
    or hold.
    ``reengagement`` (marketing): people with no purchase (an ``Order Completed`` event or a Stripe payment
    of their customer, found by ``metadata.user_id``) and no visit (``page``, ``screen`` or ``Application
    Opened``) in the 180 days before ``now``, but at least one human email open (Braze or Customer.io) in
    those 180 days, minus everyone in ``open_tickets``; windows end at ``now``. A member is listed whether or
    not they have an email, and an email a suppressed person holds too is not listed. Human opens always come
    at least a minute after their delivery and with a reader's user agent, so prefetch heuristics agree with
    the flag.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from datetime import datetime

from interaction_pipeline.story.native import as_fact
from interaction_pipeline.story.timeline import AUDIENCE_WINDOW_DAYS, DAY, segment_time
from interaction_pipeline.story.zendesk import UNRESOLVED

EMAIL_STEPS = {
    "Email Sent": "sent",
    "Email Delivered": "delivered",
    "Email Bounced": "bounced",
    "Email Soft Bounced": "bounced",
    "Email Link Clicked": "clicked",
    "Email Unsubscribed": "unsubscribed",
    "Campaign Converted": "converted",
}
EMAIL_SOURCES = ("braze", "customerio")
ATTRIBUTION_DAYS = 7


def normalize_email(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def compute_ground_truth(story) -> dict:
    window_start = segment_time(story.epoch_now - AUDIENCE_WINDOW_DAYS * DAY)
    anonymous_owner: dict[str, str] = {}
    email_of: dict[str, str] = {}
    by_source: Counter = Counter()
    email_events: list[tuple] = []  # (source, campaign, name, human, user, anon, timestamp)
    visits: list[tuple] = []  # (user, anon, timestamp)
    orders: list[tuple] = []  # (user, anon, timestamp)
    names: dict[str, str] = {}
    for source, event in story.events():
        message = as_fact(source, event)
        by_source[source] += 1
        kind, event = message["type"], message.get("event")
        user, anon, moment = message.get("userId"), message.get("anonymousId"), message["timestamp"]
        if kind == "identify":
            if anon:
                anonymous_owner[anon] = user
            email_of[user] = normalize_email(message["traits"].get("email"))
        elif kind in ("page", "screen") or event in ("Order Completed", "Application Opened"):
            visits.append((user, anon, moment))
            if event == "Order Completed":
                orders.append((user, anon, moment))
        elif source in EMAIL_SOURCES and event.startswith(("Email", "Campaign Converted")):
            properties = message["properties"]
            campaign = f"{source}:{properties['campaign_id']}"
            names[campaign] = properties["campaign_name"]
            human = properties.get("machine_open") is not True
            email_events.append((campaign, event, human, user, anon, moment))
    person_by_email = {email: user for user, email in email_of.items()}

    def person(user, anon):
        return user or anonymous_owner.get(anon) or person_by_email.get(normalize_email(anon))

    campaigns = _funnels(email_events, names, person)
    purchases = _purchase_times(orders, story.objects, person)
    conversions = _attributed_conversions(email_events, purchases, person)
    for campaign, funnel in campaigns.items():
        funnel["conversions"] = conversions[campaign]
    now = segment_time(story.epoch_now)
    active = {person(user, anon) for user, anon, moment in visits if window_start <= moment < now}
    openers = {
        person(user, anon)
        for _, event, human, user, anon, moment in email_events
        if event == "Email Opened" and human and window_start <= moment < now
    }
    active |= _recent_payers(story.objects, story.epoch_now - AUDIENCE_WINDOW_DAYS * DAY, story.epoch_now)
    suppressed = _open_ticket_people(story.objects, person_by_email)
    reengagement = {who for who in openers - active - suppressed if who is not None}
    withheld = {email_of.get(who) for who in suppressed}
    return {
        "seed": story.seed,
        "size": story.size,
        "now": segment_time(story.epoch_now),
        "window_start": window_start,
        "events_by_source": dict(sorted(by_source.items())),
        "events_total": sum(by_source.values()),
        "objects": {name: len(items) for name, items in story.objects.items()},
        "people": len(email_of),
        "email_campaigns": campaigns,
        "audiences": {
            "open_tickets": _members(suppressed, email_of),
            "reengagement": _members(reengagement, email_of, withheld),
        },
    }


def _funnels(email_events, names, person) -> dict:
    steps: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    counts: dict[str, Counter] = defaultdict(Counter)
    for campaign, event, human, user, anon, _ in email_events:
        who = person(user, anon)
        if event == "Email Opened":
            steps[campaign]["opened" if human else "machine_opened"].add(who)
            counts[campaign]["Email Opened (human)" if human else "Email Opened (machine)"] += 1
            continue
        counts[campaign][event] += 1
        if event in EMAIL_STEPS:
            steps[campaign][EMAIL_STEPS[event]].add(who)
    for people in steps.values():  # bounced = never delivered: a soft bounce then a delivery is delivered
        people["bounced"] -= people["delivered"]
    result = {}
    for campaign in sorted(counts):
        source, campaign_id = campaign.split(":", 1)
        funnel = {
            step: len(steps[campaign][step])
            for step in (
                "sent",
                "delivered",
                "bounced",
                "opened",
                "machine_opened",
                "clicked",
                "unsubscribed",
                "converted",
            )
        }
        result[campaign] = {
            "source": source,
            "campaign_id": campaign_id,
            "campaign_name": names[campaign],
            **funnel,
            "events": dict(sorted(counts[campaign].items())),
        }
    return result


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _stripe_payments(objects: dict) -> list[tuple[str, float]]:
    """(person, moment) of every Stripe payment, once: each succeeded charge, and each paid invoice that no
    succeeded charge belongs to (paid out of band or from credit balance) and that is not for nothing."""
    owner = {customer["id"]: customer["metadata"]["user_id"] for customer in objects["stripe/customers"]}
    charges = [charge for charge in objects["stripe/charges"] if charge["status"] == "succeeded"]
    charged = {charge.get("invoice") for charge in charges} | {charge["id"] for charge in charges}
    charged.discard(None)
    payments = [(owner[charge["customer"]], float(charge["created"])) for charge in charges]
    for invoice in objects["stripe/invoices"]:
        paid = invoice["amount_paid"] or invoice["amount_due"] or invoice.get("total") or 0
        if invoice["status"] == "paid" and paid > 0 and not {invoice["id"], invoice.get("charge")} & charged:
            moment = (invoice.get("status_transitions") or {}).get("paid_at") or invoice["created"]
            payments.append((owner[invoice["customer"]], float(moment)))
    return payments


def _purchase_times(orders, objects: dict, person) -> dict[str, list[float]]:
    """Every purchase moment per person: orders from the website and Stripe payments."""
    times: dict[str, list[float]] = defaultdict(list)
    for user, anon, moment in orders:
        times[person(user, anon)].append(_epoch(moment))
    for who, moment in _stripe_payments(objects):
        times[who].append(moment)
    return {who: sorted(moments) for who, moments in times.items()}


def _attributed_conversions(email_events, purchases: dict[str, list[float]], person) -> Counter:
    """Per campaign, people with a purchase in (touch, touch + 7 days] after a human open or a click."""
    converted: dict[str, set] = defaultdict(set)
    for campaign, event, human, user, anon, moment in email_events:
        if not (event == "Email Link Clicked" or (event == "Email Opened" and human)):
            continue
        who = person(user, anon)
        touched = _epoch(moment)
        moments = purchases.get(who, ())
        after = bisect.bisect_right(moments, touched)
        if after < len(moments) and moments[after] <= touched + ATTRIBUTION_DAYS * DAY:
            converted[campaign].add(who)
    return Counter({campaign: len(people) for campaign, people in converted.items()})


def _recent_payers(objects: dict, since: float, until: float) -> set[str]:
    return {who for who, moment in _stripe_payments(objects) if since <= moment < until}


def _open_ticket_people(objects: dict, person_by_email: dict) -> set[str]:
    requesters = {
        ticket["requester_id"] for ticket in objects["zendesk/tickets"] if ticket["status"] in UNRESOLVED
    }
    people = set()
    for user in objects["zendesk/users"]:
        if user["id"] in requesters:
            owner = user["external_id"] or person_by_email.get(normalize_email(user["email"]))
            if owner:
                people.add(owner)
    return people


def _members(people: set[str], email_of: dict[str, str], withheld: frozenset | set = frozenset()) -> dict:
    """The audience's user ids and the emails listed for them: none for a member without one, or whose email
    a suppressed person holds too."""
    user_ids = sorted(people)
    emails = (email_of.get(user) for user in user_ids)
    return {
        "size": len(user_ids),
        "user_ids": user_ids,
        "emails": sorted(email for email in emails if email and email not in withheld),
    }
