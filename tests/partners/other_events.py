"""Freshchat (live chat), Delighted (surveys) and Statsig (A/B tests) webhook events, one per documented type.

Field names are those of Freshchat's webhook payload reference, Delighted's webhooks reference and
Statsig's event webhook reference; the values are this test's own.
"""

# ruff: noqa: E501 - the events are a table of rows; one row per line reads best.

from __future__ import annotations

from partners.cases import Case

FRESHCHAT_USER = "9047e655-1e83-463e-b1b6-4a44beb1f07f"
AGENT = "1b8d2418-89a3-4de6-b93c-9f6557f13d04"
CONVERSATION = "35e80ec8-c697-42e4-8ce9-a47a050b1d1a"


def freshchat_message(number: int, actor_type: str) -> dict:
    actor_id = FRESHCHAT_USER if actor_type == "user" else AGENT
    return {
        "actor": {"actor_type": actor_type, "actor_id": actor_id},
        "action": "message_create",
        "action_time": f"2025-12-01T10:00:{number:02d}.126Z",
        "data": {
            "message": {
                "message_parts": [{"text": {"content": "Where is my order?"}}],
                "app_id": "c6ec783e-4c89-490a-bbbc-32c97e2a8c3d",
                "actor_id": actor_id,
                "id": f"a834cd45-c463-4644-b254-be920924{number:04d}",
                "channel_id": "304d0a73-5135-4be6-9df3-7a4aa2a0d855",
                "conversation_id": CONVERSATION,
                "interaction_id": "681406910844650-1669114522220",
                "message_type": "normal",
                "actor_type": actor_type,
                "created_time": f"2025-12-01T10:00:{number:02d}.126Z",
                "user_id": FRESHCHAT_USER,
            }
        },
    }


def freshchat_conversation(action: str, key: str) -> dict:
    """Conversation events carry the conversation only; they name no customer."""
    return {
        "actor": {"actor_type": "agent", "actor_id": AGENT},
        "action": action,
        "action_time": "2025-12-01T10:05:00.000Z",
        "data": {key: {"conversation": {"conversation_id": CONVERSATION, "status": "resolved",
                                        "app_id": "c6ec783e", "channel_id": "304d0a73"}}},
    }  # fmt: skip


def freshchat_cases() -> list[Case]:
    found = []
    for number, (actor_type, name) in enumerate(
        [("user", "Live Chat Message Sent"), ("agent", "Live Chat Message Received")]
    ):
        payload = freshchat_message(number, actor_type)
        properties = {"conversation_id": CONVERSATION, "message_id": payload["data"]["message"]["id"]}
        if actor_type == "agent":
            properties["agent_id"] = AGENT
        found.append(
            Case(
                "freshchat",
                f"message_create.{actor_type}",
                payload,
                name,
                f"message_create:{payload['data']['message']['id']}",
                f"2025-12-01 10:00:{number:02d}.126",
                anonymous_id=FRESHCHAT_USER,
                properties=properties,
            )
        )
    return found


FRESHCHAT_UNATTRIBUTABLE = [
    freshchat_conversation("conversation_resolution", "resolve"),
    freshchat_conversation("conversation_reopen", "reopen"),
    freshchat_conversation("conversation_assignment", "assignment"),
]

PERSON = {"id": "5975", "email": "charlie@example.com", "name": "Charlie", "created_at": 1764583100}
RESPONSE = {
    "id": "5435",
    "person": PERSON,
    "survey_type": "nps",
    "score": 9,
    "comment": None,
    "permalink": "https://app.delighted.com/r/5pFDpmlyC8GUc5ox",
    "created_at": 1764583200,
    "updated_at": 1764583800,
    "person_properties": {"plan": "monthly"},
    "notes": [],
    "tags": ["roastery"],
    "additional_answers": [],
}


def delighted_cases() -> list[Case]:
    created = {
        "event_type": "survey_response.created",
        "event_id": "b8d057c5" + "0" * 56,
        "event_data": RESPONSE,
    }
    updated = {
        "event_type": "survey_response.updated",
        "event_id": "b8d057c5" + "1" * 56,
        "event_data": {**RESPONSE, "comment": "Fast and flawless"},
    }
    unsubscribed = {
        "event_type": "unsubscribe.created",
        "event_id": "b8d057c5" + "2" * 56,
        "event_data": {"person_id": "5975", "email": "charlie@example.com", "name": "Charlie",
                       "unsubscribed_at": 1764584000},
    }  # fmt: skip
    common = {"anonymous_id": "5975", "email": "charlie@example.com"}
    survey = {"survey_type": "NPS", "score": 9, "survey_tool": "Delighted", "survey_response_id": "5435"}
    return [
        Case("delighted", "survey_response.created", created, "Survey Question Answered", created["event_id"],
             "2025-12-01 10:00:00", properties=survey, **common),
        Case("delighted", "survey_response.updated", updated, "Survey Question Answered", updated["event_id"],
             "2025-12-01 10:10:00", properties={**survey, "comment": "Fast and flawless", "updated": True},
             **common),
        Case("delighted", "unsubscribe.created", unsubscribed, "unsubscribe.created", unsubscribed["event_id"],
             "2025-12-01 10:13:20", **common),
    ]  # fmt: skip


USER = {"userID": "user-42", "email": "reader@example.com", "customIDs": {"stableID": "stable-1"}}


def statsig_event(number: int, name: str, value: str, metadata: dict) -> dict:
    return {
        "eventName": name,
        "user": USER,
        "userID": "user-42",
        "timestamp": str(1764583200000 + number * 1000),
        "statsigMetadata": {"sdkType": "js-client"},
        "value": value,
        "metadata": metadata,
        "timeUUID": f"abd2a983-ec0f-11ec-917a-fb8cdaed{number:04d}",
        "unitID": "userID",
    }


STATSIG_TYPES = [
    ("my_custom_event", "a_custom_value", {"key_a": "value_a"}),
    ("statsig::gate_exposure", "", {"gate": "new_checkout", "gateValue": "true", "ruleID": "default"}),
    ("statsig::config_exposure", "", {"config": "price_copy", "ruleID": "default", "reason": "Network"}),
    (
        "statsig::experiment_exposure",
        "",
        {"config": "checkout_test", "ruleID": "treatment", "reason": "Network"},
    ),
]


def statsig_cases() -> list[Case]:
    found = []
    for number, (name, value, metadata) in enumerate(STATSIG_TYPES):
        payload = statsig_event(number, name, value, metadata)
        found.append(
            Case(
                "statsig",
                name,
                payload,
                name,
                payload["timeUUID"],
                f"2025-12-01 10:00:{number:02d}",
                user_id="user-42",
                email="reader@example.com",
                properties={"metadata": metadata},
            )
        )
    return found
