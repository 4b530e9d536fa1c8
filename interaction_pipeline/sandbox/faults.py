"""Fault injection for every vendor stand-in, configured per path prefix.

A rule says: for requests whose path starts with ``prefix``, fail ``rate`` of them (drawn from a seeded RNG,
so a run is repeatable) with one of ``kinds``:

- ``429``: Too Many Requests with ``Retry-After``;
- ``500`` / ``502`` / ``503``: a server error (503 also carries ``Retry-After``);
- ``timeout``: answer only after ``delay`` seconds, longer than a sensible client timeout;
- ``reset``: send the headers, then drop the connection before the body;
- ``truncate``: a 200 whose JSON body is cut in half.

The longest matching prefix wins. The control API (``PUT /_sandbox/faults``) replaces the rules.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from dataclasses import dataclass, field

import orjson

ALL_KINDS = ("429", "500", "502", "503", "timeout", "reset", "truncate")


class DroppedConnection(Exception):
    """Raised after the response started, so the server closes the connection mid-response."""


@dataclass
class FaultRule:
    prefix: str
    rate: float
    kinds: tuple[str, ...] = ALL_KINDS
    retry_after: int = 1
    delay: float = 3.0

    @classmethod
    def from_json(cls, prefix: str, body: dict) -> FaultRule:
        kinds = tuple(str(kind) for kind in body.get("kinds", ALL_KINDS))
        unknown = set(kinds) - set(ALL_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {list(ALL_KINDS)}")
        rate = float(body.get("rate", 0.0))
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        return cls(prefix, rate, kinds, int(body.get("retry_after", 1)), float(body.get("delay", 3.0)))

    def to_json(self) -> dict:
        return {
            "rate": self.rate,
            "kinds": list(self.kinds),
            "retry_after": self.retry_after,
            "delay": self.delay,
        }


@dataclass
class Faults:
    seed: int = 42
    rules: dict[str, FaultRule] = field(default_factory=dict)
    injected: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def configure(self, rules: dict[str, dict], seed: int | None = None) -> None:
        parsed = {prefix: FaultRule.from_json(prefix, body) for prefix, body in rules.items()}
        with self._lock:
            self.rules = parsed
            if seed is not None:
                self._random = random.Random(seed)

    def choose(self, path: str) -> str | None:
        """The fault to inject for this request, or None."""
        matching = [rule for prefix, rule in self.rules.items() if path.startswith(prefix)]
        if not matching:
            return None
        rule = max(matching, key=lambda candidate: len(candidate.prefix))
        with self._lock:
            if self._random.random() >= rule.rate:
                return None
            kind = self._random.choice(rule.kinds)
            self.injected[kind] = self.injected.get(kind, 0) + 1
        return kind

    def rule_for(self, path: str) -> FaultRule:
        matching = [rule for prefix, rule in self.rules.items() if path.startswith(prefix)]
        return max(matching, key=lambda candidate: len(candidate.prefix))


class FaultMiddleware:
    """ASGI middleware applying ``Faults`` to every request except the control API."""

    def __init__(self, app, faults: Faults, exempt_prefix: str = "/_sandbox") -> None:
        self.app = app
        self.faults = faults
        self.exempt_prefix = exempt_prefix

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(self.exempt_prefix):
            await self.app(scope, receive, send)
            return
        kind = self.faults.choose(path)
        if kind is None:
            await self.app(scope, receive, send)
            return
        rule = self.faults.rule_for(path)
        if kind in ("429", "500", "502", "503"):
            await _send_error(send, int(kind), rule.retry_after)
        elif kind == "timeout":
            await asyncio.sleep(rule.delay)
            await self.app(scope, receive, send)
        elif kind == "reset":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"100000")],
                }
            )
            raise DroppedConnection(path)
        else:
            await self.app(scope, receive, _truncating(send))


async def _send_error(send, status: int, retry_after: int) -> None:
    body = orjson.dumps({"error": {"type": "sandbox_fault", "message": f"injected fault: HTTP {status}"}})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status in (429, 503):
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _truncating(send):
    """Wrap ``send`` so the body is cut in half and Content-Length matches the cut body."""
    state: dict = {"start": None, "chunks": []}

    async def wrapped(message) -> None:
        if message["type"] == "http.response.start":
            state["start"] = message
            return
        state["chunks"].append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = b"".join(state["chunks"])
        cut = body[: max(1, len(body) // 2)]
        start = dict(state["start"])
        start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        start["headers"].append((b"content-length", str(len(cut)).encode()))
        await send(start)
        await send({"type": "http.response.body", "body": cut})

    return wrapped


class _HideDroppedConnections(logging.Filter):
    """Injected connection drops are intended; keep them out of the server's error log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


def quiet_dropped_connections() -> None:
    server_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _HideDroppedConnections) for f in server_log.filters):
        server_log.addFilter(_HideDroppedConnections())
