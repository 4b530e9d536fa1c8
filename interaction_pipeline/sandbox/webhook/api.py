"""Audience webhook receiver, mounted under /webhook: what a user's endpoint would see.

`POST /webhook/audiences` takes Segment batch bodies signed with
`X-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (secret `sandbox` unless set through
`POST /webhook/_sandbox/settings {"secret": ...}`) and verifies it as a user's endpoint should: the HMAC over
the time and the body, and the time within five minutes of its clock; a bad, missing or stale signature is
a 401. It keeps every audience's membership from the boolean traits of `identify` messages, deduplicating on
`messageId`. `GET /webhook/_sandbox/received` shows memberships and message counts; faults come from
`/_sandbox/faults`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from interaction_pipeline.partners import SANDBOX_WEBHOOK_SECRET

TOLERANCE_SECONDS = 300


@dataclass
class WebhookStore:
    secret: str = SANDBOX_WEBHOOK_SECRET
    seen: set[str] = field(default_factory=set)
    events: dict[str, int] = field(default_factory=dict)
    members: dict[str, dict[str, bool]] = field(default_factory=dict)


def signature_problem(header: str, body: bytes, secret: str, tolerance: float) -> str | None:
    """Why ``X-Signature`` does not prove the body came from the pipeline just now, or None."""
    fields = [part.strip().partition("=") for part in header.split(",")]
    timestamps = [value for name, _, value in fields if name == "t"]
    signatures = [value for name, _, value in fields if name == "v1"]
    if len(timestamps) != 1 or not timestamps[0].isdigit() or not signatures:
        return "X-Signature must be t=<unix seconds>,v1=<hex HMAC-SHA256>"
    if abs(time.time() - int(timestamps[0])) > tolerance:
        return f"X-Signature is older than {tolerance:g} seconds (or from the future): a replay?"
    expected = hmac.new(secret.encode(), timestamps[0].encode() + b"." + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, signature) for signature in signatures):
        return "X-Signature does not match"
    return None


def fault_answer(status: int, code: str | None) -> tuple[dict, dict[str, str]]:
    return {"code": code or "unavailable", "message": "Sandbox injected fault"}, {}


def routes(state: Any = None) -> list[BaseRoute]:
    store = WebhookStore()

    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        header = request.headers.get("x-signature", "")
        problem = signature_problem(header, body, store.secret, TOLERANCE_SECONDS)
        if problem is not None:
            return JSONResponse({"code": "bad_signature", "message": problem}, 401)
        for message in orjson.loads(body).get("batch", []):
            if message["messageId"] in store.seen:
                continue
            store.seen.add(message["messageId"])
            member = message.get("userId") or message.get("anonymousId")
            if message["type"] == "track":
                store.events[message["event"]] = store.events.get(message["event"], 0) + 1
                continue
            audience = message["context"]["personas"]["computation_key"]
            store.members.setdefault(audience, {})[member] = bool(message["traits"].get(audience))
        return JSONResponse({"success": True})

    async def settings(request: Request) -> JSONResponse:
        store.secret = (await request.json()).get("secret", SANDBOX_WEBHOOK_SECRET)
        return JSONResponse({"ok": True})

    async def count(request: Request) -> JSONResponse:
        """`GET /webhook/audiences?audience=<name>`, signed as a post is with the name for the body:
        `{"members": n}`, how many members of the audience the receiver holds (what a sync compares with what
        it confirmed)."""
        audience = request.query_params.get("audience", "")
        header = request.headers.get("x-signature", "")
        problem = signature_problem(header, audience.encode(), store.secret, TOLERANCE_SECONDS)
        if problem is not None:
            return JSONResponse({"code": "bad_signature", "message": problem}, 401)
        return JSONResponse({"audience": audience, "members": sum(store.members.get(audience, {}).values())})

    async def reset(request: Request) -> JSONResponse:
        """`POST /webhook/_sandbox/reset`: forget everything received (a receiver that lost its database)."""
        store.seen.clear()
        store.events.clear()
        store.members.clear()
        return JSONResponse({"reset": True})

    async def show(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "events": store.events,
                "audiences": {
                    name: sorted(m for m, inside in members.items() if inside)
                    for name, members in store.members.items()
                },
            }
        )

    return [
        Route("/_sandbox/received", show, methods=["GET"]),
        Route("/_sandbox/settings", settings, methods=["POST"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/audiences", receive, methods=["POST"]),
        Route("/audiences", count, methods=["GET"]),
    ]
