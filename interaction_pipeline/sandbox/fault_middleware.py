"""Applies the sandbox's fault rules to every request outside the control API, in each vendor's error shape.

A vendor module may define ``fault_answer(status, code) -> (body, headers)`` to answer an injected status the
way that vendor does (Graph's error object, Google's ``GoogleAdsFailure``, Braze's rate-limit headers); the
others answer ``{"error": {"type": "sandbox_fault", "message": ...}}``. A ``partial`` fault reaches the
handler through `refused_rows`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import orjson
from starlette.requests import Request

from interaction_pipeline.sandbox.faults import FaultRule, Faults

FaultAnswer = Callable[[int, str | None], tuple[dict, dict[str, str]]]


class DroppedConnection(Exception):
    """Raised after the response started, so the server closes the connection mid-response."""


def refused_rows(request: Request) -> int:
    """How many rows of this request the handler must refuse (an injected partial failure)."""
    return getattr(request.state, "refused_rows", 0)


def _generic_answer(status: int, code: str | None) -> tuple[dict, dict[str, str]]:
    message = f"injected fault: HTTP {status}" + (f" ({code})" if code else "")
    return {"error": {"type": "sandbox_fault", "message": message}}, {}


def _is_control(path: str) -> bool:
    return path.startswith("/_sandbox") or "/_sandbox/" in path


class FaultMiddleware:
    """ASGI middleware applying ``Faults`` to every request except the control API."""

    def __init__(self, app, faults: Faults, answers: dict[str, FaultAnswer] | None = None) -> None:
        self.app = app
        self.faults = faults
        self.answers = answers or {}  # vendor mount (first path segment) -> its error shape

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or _is_control(path):
            await self.app(scope, receive, send)
            return
        chosen = self.faults.choose(path, scope.get("method", "GET"))
        if chosen is None:
            await self.app(scope, receive, send)
            return
        rule, kind = chosen
        if kind == "timeout":
            await asyncio.sleep(rule.delay)
            await self.app(scope, receive, send)
        elif kind == "partial":
            scope.setdefault("state", {})["refused_rows"] = rule.partial
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
        elif kind == "truncate":
            await self.app(scope, receive, _truncating(send))
        else:
            await self._send_error(send, path, int(kind), rule)

    async def _send_error(self, send, path: str, status: int, rule: FaultRule) -> None:
        vendor = path.strip("/").split("/", 1)[0]
        body, extra = self.answers.get(vendor, _generic_answer)(status, rule.code)
        encoded = orjson.dumps(body)
        headers = {"content-type": "application/json", "content-length": str(len(encoded))}
        if status in (429, 503) and rule.retry_after is not None:
            headers["retry-after"] = str(rule.retry_after)
        headers.update({name.lower(): value for name, value in extra.items()})
        raw = [(name.encode(), value.encode()) for name, value in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": encoded})


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
