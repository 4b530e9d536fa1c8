"""Audience webhook receiver, mounted under /webhook: what a user's endpoint would see.

`POST /webhook/audiences` takes Segment batch bodies signed with `X-Signature: sha256=<hex HMAC>` (secret
`sandbox` unless set through `POST /webhook/_sandbox/settings {"secret": ...}`); a bad or missing signature is
a 401. It keeps every audience's membership from the boolean traits of `identify` messages, deduplicating on
`messageId`. `GET /webhook/audiences?audience=<name>` (signed with the HMAC of the name) answers how many
members the receiver holds, `{"audience": ..., "members": n}`. `GET /webhook/_sandbox/received` shows
memberships and message counts, `POST /webhook/_sandbox/reset` forgets everything received (a receiver that
lost its database); faults come from `/_sandbox/faults`.
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

    def signed(request: Request, content: bytes) -> bool:
        expected = "sha256=" + hmac.new(store.secret.encode(), content, hashlib.sha256).hexdigest()
        return hmac.compare_digest(request.headers.get("x-signature", ""), expected)

    async def count(request: Request) -> JSONResponse:
        audience = request.query_params.get("audience", "")
        if not signed(request, audience.encode()):
            return JSONResponse({"code": "bad_signature", "message": "X-Signature does not match"}, 401)
        members = sum(store.members.get(audience, {}).values())
        return JSONResponse({"audience": audience, "members": members})

    async def reset(request: Request) -> JSONResponse:
        store.seen.clear()
        store.events.clear()
        store.members.clear()
        return JSONResponse({"reset": True})

    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        if not signed(request, body):
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
