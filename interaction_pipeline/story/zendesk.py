"""Zendesk objects: organizations for the business customers, agents, requesters and their tickets.

About a quarter of people have contacted support (more among the lapsed). Most requesters carry
``external_id`` = our user id; some were created from an inbound email and are known only by their email, in
whatever case they wrote it. Roughly one ticket in five is still unresolved (new, open, pending or hold) —
those people make up the open-ticket suppression audience.
"""

from __future__ import annotations

from interaction_pipeline.story.people import Profile, company_name, profile_rng
from interaction_pipeline.story.timeline import DAY, HOUR, zendesk_time

BASE_URL = "https://roastery.zendesk.com/api/v2"
ORGANIZATION_ID_BASE = 360_000_000
USER_ID_BASE = 10_000_000
AGENTS = (
    (9001, "Rosa Martin", "rosa@roastery.example.com"),
    (9002, "Kenji Ito", "kenji@roastery.example.com"),
    (9003, "Amara Okafor", "amara@roastery.example.com"),
)
UNRESOLVED = ("new", "open", "pending", "hold")
RESOLVED = ("solved", "closed")
SUBJECTS = (
    "Where is my order?",
    "Change my delivery address",
    "Grinder arrived broken",
    "Refund request",
    "Pause my subscription",
    "Card was charged twice",
    "Wrong beans in the box",
    "Invoice for my company",
)


def organization(company: int, now: float) -> dict:
    created = zendesk_time(now - 380 * DAY + company * 600)
    org_id = ORGANIZATION_ID_BASE + company
    return {
        "id": org_id,
        "url": f"{BASE_URL}/organizations/{org_id}.json",
        "name": company_name(company),
        "domain_names": [],
        "external_id": f"acct-{company}",
        "details": "",
        "notes": "",
        "group_id": None,
        "shared_tickets": False,
        "shared_comments": False,
        "tags": [],
        "created_at": created,
        "updated_at": created,
    }


def agent_users(now: float) -> list[dict]:
    created = zendesk_time(now - 390 * DAY)
    return [
        {
            "id": agent_id,
            "url": f"{BASE_URL}/users/{agent_id}.json",
            "name": name,
            "email": email,
            "phone": None,
            "external_id": None,
            "organization_id": None,
            "role": "agent",
            "active": True,
            "verified": True,
            "time_zone": "UTC",
            "locale": "en-US",
            "tags": [],
            "suspended": False,
            "created_at": created,
            "updated_at": created,
        }
        for agent_id, name, email in AGENTS
    ]


def requester_objects(seed: int, profile: Profile, next_ticket_id: int, now: float) -> dict[str, list[dict]]:
    """The Zendesk user and tickets of one person, or nothing if they never contacted support."""
    rng = profile_rng(seed, profile.index, salt=2)
    if rng.random() > (0.35 if profile.lapsed else 0.22):
        return {}
    user_id = USER_ID_BASE + profile.index
    by_email_only = rng.random() < 0.15
    org_id = ORGANIZATION_ID_BASE + profile.company if profile.company is not None else None
    first_contact = rng.uniform(profile.signup, now - 3 * DAY)
    updated = min(first_contact + rng.uniform(0, 60) * DAY, now - HOUR)
    user = {
        "id": user_id,
        "url": f"{BASE_URL}/users/{user_id}.json",
        "name": f"{profile.first_name} {profile.last_name}",
        "email": profile.email.lower() if by_email_only else profile.email,
        "phone": profile.phone,
        "external_id": None if by_email_only else profile.user_id,
        "organization_id": org_id,
        "role": "end-user",
        "active": True,
        "verified": True,
        "time_zone": "UTC",
        "locale": "en-US",
        "tags": [],
        "suspended": False,
        "created_at": zendesk_time(first_contact),
        "updated_at": zendesk_time(updated),
    }
    unresolved_chance = 0.3 if profile.lapsed else 0.18
    tickets = []
    for number in range(rng.randint(1, 3)):
        ticket_id = next_ticket_id + number
        created = first_contact if number == 0 else rng.uniform(first_contact, now - 2 * DAY)
        status = rng.choice(UNRESOLVED) if rng.random() < unresolved_chance else rng.choice(RESOLVED)
        changed = min(created + rng.uniform(0.1, 10) * DAY, now - HOUR)
        subject = rng.choice(SUBJECTS)
        tickets.append(
            {
                "id": ticket_id,
                "url": f"{BASE_URL}/tickets/{ticket_id}.json",
                "external_id": None,
                "type": rng.choice(("question", "incident", "problem", "task")),
                "subject": subject,
                "raw_subject": subject,
                "description": f"{subject} — sent from the help form.",
                "priority": rng.choice(("low", "normal", "normal", "high", "urgent")),
                "status": status,
                "recipient": "support@roastery.example.com",
                "requester_id": user_id,
                "submitter_id": user_id,
                "assignee_id": None if status == "new" else rng.choice(AGENTS)[0],
                "organization_id": org_id,
                "group_id": 20_000,
                "collaborator_ids": [],
                "has_incidents": False,
                "due_at": None,
                "tags": ["web_form"],
                "via": {"channel": "web"},
                "created_at": zendesk_time(created),
                "updated_at": zendesk_time(changed),
            }
        )
    return {"zendesk/users": [user], "zendesk/tickets": tickets}
