"""A partner event as the partner documents it, and what the warehouse row built from it must say."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    kind: str
    partner_type: str  # the partner's own name for the event type
    event: dict  # the event exactly as the partner sends it
    name: str  # the Segment event name it must get
    partner_id: str  # the partner's event id (or content digest) the messageId derives from
    timestamp: str  # the partner's event time, as the warehouse holds it (UTC)
    user_id: str | None = None
    anonymous_id: str | None = None
    email: str | None = None
    properties: dict = field(default_factory=dict)  # the spec properties it must carry

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.partner_type}"
