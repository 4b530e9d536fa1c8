"""Audience webhook receiver, mounted under /webhook: what a user's endpoint would see.

`POST /webhook/audiences` takes Segment batch bodies signed with `X-Signature: sha256=<hex HMAC>` (secret
`sandbox` unless set through `POST /webhook/_sandbox/settings {"secret": ...}`); a bad or missing signature is
a 401. It keeps every audience's membership from the boolean traits of `identify` messages, deduplicating on
`messageId`. `GET /webhook/_sandbox/received` shows memberships and message counts; faults come from
`/_sandbox/faults`.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from interaction_pipeline.partners import SANDBOX_WEBHOOK_SECRET


@dataclass
class WebhookStore:
    secret: str = SANDBOX_WEBHOOK_SECRET
    seen: set[str] = field(default_factory=set)
    events: dict[str, int] = field(default_factory=dict)
    members: dict[str, dict[str, bool]] = field(default_factory=dict)


def fault_answer(status: int, code: str | None) -> tuple[dict, dict[str, str]]:
    return {"code": code or "unavailable", "message": "Sandbox injected fault"}, {}


def routes(state: Any = None) -> list[BaseRoute]:
    store = WebhookStore()

    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        expected = "sha256=" + hmac.new(store.secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("x-signature", ""), expected):
            return JSONResponse({"code": "bad_signature", "message": "X-Signature does not match"}, 401)
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
        """`GET /webhook/audiences?audience=<name>`, signed with the HMAC of the name: `{"members": n}`, how
        many members of the audience the receiver holds (what a sync compares with what it confirmed)."""
        audience = request.query_params.get("audience", "")
        expected = "sha256=" + hmac.new(store.secret.encode(), audience.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("x-signature", ""), expected):
            return JSONResponse({"code": "bad_signature", "message": "X-Signature does not match"}, 401)
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
