"""Per-message checks, the ones Segment applies at its edge (vendor-apis.md §1.1 and §3)."""

from __future__ import annotations

from interaction_pipeline.collector.config import MAX_MESSAGE_ID_CHARS
from interaction_pipeline.collector.timestamps import parse

MESSAGE_TYPES = frozenset({"track", "identify", "page", "screen", "group", "alias"})
OBJECT_FIELDS = ("properties", "traits", "context", "integrations")
TEXT_FIELDS = ("event", "name", "category")
TIMESTAMP_FIELDS = ("timestamp", "originalTimestamp", "sentAt")


def _is_id(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, int | float)


def problem(message: object) -> tuple[str, str] | None:
    """(code, reason) when the message must be rejected, else None."""
    if not isinstance(message, dict):
        return "invalid_message", "a message must be a JSON object"
    kind = message.get("type")
    if kind not in MESSAGE_TYPES:
        return "invalid_type", f"type must be one of {', '.join(sorted(MESSAGE_TYPES))}; got {kind!r}"[:200]
    if not (_is_id(message.get("userId")) or _is_id(message.get("anonymousId"))):
        return "no_user_anon_id", "userId or anonymousId is required"
    for name in ("userId", "anonymousId"):
        if name in message and message[name] is not None and not _is_id(message[name]):
            return "invalid_id", f"{name} must be a non-empty string or a number"
    if kind == "track" and not (isinstance(message.get("event"), str) and message["event"].strip()):
        return "missing_event", "a track call needs a non-empty string event"
    if kind == "group" and not _is_id(message.get("groupId")):
        return "missing_group_id", "a group call needs groupId"
    if kind == "alias" and not _is_id(message.get("previousId")):
        return "missing_previous_id", "an alias call needs previousId"
    message_id = message.get("messageId")
    if message_id is not None:
        if not _is_id(message_id):
            return "invalid_message_id", "messageId must be a non-empty string"
        if len(str(message_id)) > MAX_MESSAGE_ID_CHARS:
            return "invalid_message_id", f"messageId is longer than {MAX_MESSAGE_ID_CHARS} characters"
    for name in OBJECT_FIELDS:
        if message.get(name) is not None and not isinstance(message[name], dict):
            return "invalid_field", f"{name} must be a JSON object"
    for name in TEXT_FIELDS:
        if message.get(name) is not None and not isinstance(message[name], str):
            return "invalid_field", f"{name} must be a string"
    for name in TIMESTAMP_FIELDS:
        if message.get(name) is not None and parse(message[name]) is None:
            return "invalid_timestamp", f"{name} must be an ISO-8601 date-time"
    return None
