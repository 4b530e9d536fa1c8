"""Per-message checks, the ones Segment applies at its edge.

Common fields: https://www.twilio.com/docs/segment/connections/spec/common; limits:
https://www.twilio.com/docs/segment/connections/sources/catalog/libraries/server/http-api
"""

from __future__ import annotations

from interaction_pipeline.collector.config import MAX_MESSAGE_ID_CHARS

MESSAGE_TYPES = frozenset({"track", "identify", "page", "screen", "group", "alias"})
OBJECT_FIELDS = ("properties", "traits", "context", "integrations")
TEXT_FIELDS = ("event", "name", "category")


def _is_id(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, int | float)


def problem(message: object) -> tuple[str, str] | None:
    """(code, reason) when the message must be rejected, else None.

    Timestamps are checked where they are parsed, in :func:`enrichment.enrich` (once per message).
    """
    if not isinstance(message, dict):
        return "invalid_message", "a message must be a JSON object"
    get = message.get
    kind = get("type")
    if not isinstance(kind, str) or kind not in MESSAGE_TYPES:
        return "invalid_type", f"type must be one of {', '.join(sorted(MESSAGE_TYPES))}; got {kind!r}"[:200]
    user_id, anonymous_id = get("userId"), get("anonymousId")
    if user_id is None and anonymous_id is None:
        return "no_user_anon_id", "userId or anonymousId is required"
    if user_id is not None and not _is_id(user_id):
        return "invalid_id", "userId must be a non-empty string or a number"
    if anonymous_id is not None and not _is_id(anonymous_id):
        return "invalid_id", "anonymousId must be a non-empty string or a number"
    if kind == "track":
        event = get("event")
        if not (isinstance(event, str) and event.strip()):
            return "missing_event", "a track call needs a non-empty string event"
    elif kind == "group" and not _is_id(get("groupId")):
        return "missing_group_id", "a group call needs groupId"
    elif kind == "alias" and not _is_id(get("previousId")):
        return "missing_previous_id", "an alias call needs previousId"
    message_id = get("messageId")
    if message_id is not None:
        if not _is_id(message_id):
            return "invalid_message_id", "messageId must be a non-empty string"
        if len(str(message_id)) > MAX_MESSAGE_ID_CHARS:
            return "invalid_message_id", f"messageId is longer than {MAX_MESSAGE_ID_CHARS} characters"
    for name in OBJECT_FIELDS:
        value = get(name)
        if value is not None and not isinstance(value, dict):
            return "invalid_field", f"{name} must be a JSON object"
    for name in TEXT_FIELDS:
        value = get(name)
        if value is not None and not isinstance(value, str):
            return "invalid_field", f"{name} must be a string"
    return None
