"""What the endpoint needs to know about one partner's webhook export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class EnvelopeError(ValueError):
    """The request body is not the partner's envelope (wrong shape, too many events): refused whole."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Partner:
    kind: str
    export: str  # the partner's name for its webhook export, as its UI shows it
    max_request_bytes: int
    max_events: int  # per request: the partner's own batch size
    unpack: Callable[[object, int], list]  # (parsed body, max_events) -> the events in it
    to_message: Callable[[dict], dict]  # one event -> a Segment message, or raises common.Invalid
    key_in: str  # where the write key goes in the partner's settings (shown by `sources create`)
    path_key: bool  # True when the partner's settings take only a URL, so the key travels in the path
    signature: str | None = None  # the partner's signing scheme, verified when the source holds a secret


def one_event(payload: object, max_events: int) -> list:
    """Partners that post one JSON object per event."""
    if not isinstance(payload, dict):
        raise EnvelopeError(400, "invalid_event", "the body must be one JSON object (one event)")
    return [payload]


def events_array(payload: object, max_events: int, key: str) -> list:
    """Partners that post ``{key: [event, ...]}``; more than their batch size is refused with 413."""
    events = payload.get(key) if isinstance(payload, dict) else None
    if not isinstance(events, list):
        raise EnvelopeError(400, "invalid_batch", f"the body must be a JSON object with an {key!r} array")
    if len(events) > max_events:
        message = f"the batch has {len(events):,} events; the limit is {max_events:,} per request"
        raise EnvelopeError(413, "batch_too_large", message)
    return events
