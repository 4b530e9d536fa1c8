"""Shared state of one sandbox server: the clock, switches, request counts and each vendor's own piece.

Vendor modules keep their objects in a piece they attach to this state (``state.vendors[name]``). The clock
can be moved forward so a test can age a checkpoint past a vendor's horizon without waiting; every vendor
reads time through it, and the server's ``Date`` header follows it too.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

# The credentials the sandbox accepts are the ones `partners` gives clients without real credentials.
from interaction_pipeline.partners import (  # noqa: F401 (the vendor stand-ins import them from here)
    SANDBOX_SALESFORCE_CLIENT_ID,
    SANDBOX_SALESFORCE_CLIENT_SECRET,
    SANDBOX_STRIPE_KEY,
    SANDBOX_ZENDESK_EMAIL,
    SANDBOX_ZENDESK_TOKEN,
)


class Clock:
    """Wall time plus an offset the control API can move."""

    def __init__(self) -> None:
        self.offset_seconds = 0.0

    def now(self) -> float:
        return time.time() + self.offset_seconds

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)


class ObjectVendor(Protocol):
    """What the control API needs from a vendor piece that stores objects."""

    def collections(self) -> list[str]: ...

    def list_objects(self, collection: str) -> list[dict]: ...

    def create(self, collection: str, fields: dict) -> dict: ...

    def update(self, collection: str, object_id: str, fields: dict) -> dict: ...

    def delete(self, collection: str, object_id: str) -> dict: ...

    def seed(self, collection: str, objects: list[dict]) -> None: ...


@dataclass
class RateLimiter:
    """A fixed-window limit: at most ``limit`` requests per ``window`` seconds of sandbox time."""

    limit: int
    window: float
    started: float = 0.0
    used: int = 0

    def retry_after(self, now: float) -> int:
        """0 if the request may go ahead (and count it), else whole seconds until the window resets."""
        if now - self.started >= self.window:
            self.started, self.used = now, 0
        if self.used < self.limit:
            self.used += 1
            return 0
        return max(1, int(self.started + self.window - now + 0.999))


@dataclass
class SandboxState:
    seed: int = 42
    size: int = 0
    clock: Clock = field(default_factory=Clock)
    rate_limits_enabled: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)
    vendors: dict[str, Any] = field(default_factory=dict)
    # vendor name -> collections that answer 403 (a key without permission for that endpoint)
    denied: dict[str, set[str]] = field(default_factory=dict)
    requests: Counter = field(default_factory=Counter)
    limiters: dict[str, RateLimiter] = field(default_factory=dict)

    def is_denied(self, vendor: str, collection: str) -> bool:
        return collection in self.denied.get(vendor, set())

    def rate_limited(self, name: str, limit: int, window: float) -> int:
        """Seconds to wait if the named limit is exhausted (0 when allowed or when limits are off)."""
        if not self.rate_limits_enabled:
            return 0
        with self.lock:
            limiter = self.limiters.setdefault(name, RateLimiter(limit, window))
            return limiter.retry_after(self.clock.now())

    def object_vendor(self, name: str) -> ObjectVendor | None:
        piece = self.vendors.get(name)
        return piece if piece is not None and hasattr(piece, "list_objects") else None
