"""Braze REST stand-in, mounted under /braze.

- `POST /email/blocklist` (and the legacy `/email/blacklist`): `{"email": "<addr>" | [≤ 50 addrs]}`;
  unsubscribes and hard-bounces them. `POST /email/bounce/remove` clears the bounce (same body).
- `POST /users/track`: at most 75 objects across `attributes`, `events` and `purchases`; each attribute object
  needs exactly one identifier (`external_id`, `user_alias`, `braze_id`, `email`, `phone`). Bad objects are
  reported in `errors` with `input_array` and `index`, the rest are applied (201).
- `GET /email/hard_bounces?email=<addr>` says whether an address is hard-bounced; `POST /users/export/ids`
  (`external_ids`, `email_address` or `phone`) exports users with their `custom_attributes`.
- Bearer API key required; `429` answers carry `X-RateLimit-Limit/Remaining/Reset` like Braze's.
- `GET /braze/_sandbox/state` shows the blocklist and users, `POST /braze/_sandbox/reset` empties the
  workspace; faults come from `/_sandbox/faults`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from interaction_pipeline.sandbox.fault_middleware import refused_rows

BLOCKLIST_LIMIT = 50
TRACK_LIMIT = 75
IDENTIFIERS = ("external_id", "user_alias", "braze_id", "email", "phone")
# Attributes Braze exports at the top level of a user; everything else is a custom attribute.
STANDARD_ATTRIBUTES = {"email_subscribe", "push_subscribe", "subscription_groups"}
EXPORT_KEYS = {"external_ids": "external_id", "email_address": "email", "phone": "phone"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class BrazeStore:
    blocklist: set[str] = field(default_factory=set)
    hard_bounced: set[str] = field(default_factory=set)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)


def braze_error(message: str, status: int = 400, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status, headers=headers)


def fault_answer(status: int, code: str | None) -> tuple[dict, dict[str, str]]:
    """An injected error as Braze sends it; a 429 says when the rate-limit window resets (now)."""
    if status != 429:
        return {"message": "Sandbox injected fault"}, {}
    limits = {
        "X-RateLimit-Limit": "3000",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(int(time.time())),
    }
    return {"message": "Rate limit exceeded"}, limits


def routes(state: Any = None) -> list[BaseRoute]:
    store = BrazeStore()

    async def guarded(request: Request):
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return braze_error("Invalid API key", 401), 0, None
        try:
            body = await request.json()
        except ValueError:
            return braze_error("Request body must be JSON"), 0, None
        return None, refused_rows(request), body

    def emails(body: dict) -> list[str] | JSONResponse:
        value = body.get("email")
        addresses = [value] if isinstance(value, str) else value
        if not isinstance(addresses, list) or not addresses:
            return braze_error("'email' must be an address or an array of addresses")
        if len(addresses) > BLOCKLIST_LIMIT:
            return braze_error(f"at most {BLOCKLIST_LIMIT} email addresses per request")
        bad = [a for a in addresses if not isinstance(a, str) or not EMAIL.match(a)]
        if bad:
            return braze_error(f"invalid email addresses: {bad[:3]}")
        return [a.lower() for a in addresses]

    async def blocklist(request: Request) -> JSONResponse:
        problem, _, body = await guarded(request)
        if problem is not None:
            return problem
        addresses = emails(body)
        if isinstance(addresses, JSONResponse):
            return addresses
        store.blocklist.update(addresses)
        store.hard_bounced.update(addresses)
        return JSONResponse({"message": "success"}, status_code=201)

    async def bounce_remove(request: Request) -> JSONResponse:
        problem, _, body = await guarded(request)
        if problem is not None:
            return problem
        addresses = emails(body)
        if isinstance(addresses, JSONResponse):
            return addresses
        store.hard_bounced.difference_update(addresses)
        store.blocklist.difference_update(addresses)
        return JSONResponse({"message": "success"})

    async def track(request: Request) -> JSONResponse:
        problem, refuse, body = await guarded(request)
        if problem is not None:
            return problem
        attributes = body.get("attributes") or []
        total = len(attributes) + len(body.get("events") or []) + len(body.get("purchases") or [])
        if total > TRACK_LIMIT:
            return braze_error(f"at most {TRACK_LIMIT} objects across attributes, events and purchases")
        errors, processed = [], 0
        for index, item in enumerate(attributes):
            keys = [k for k in IDENTIFIERS if item.get(k)]
            if len(keys) != 1 or index < refuse:
                kind = (
                    "refused by injected partial failure"
                    if len(keys) == 1
                    else "exactly one identifier needed"
                )
                errors.append({"type": kind, "input_array": "attributes", "index": index})
                continue
            user_key = f"{keys[0]}:{item[keys[0]]}"
            user = store.users.setdefault(user_key, {})
            for name, value in item.items():
                if name == "subscription_groups":
                    groups = user.setdefault("subscription_groups", {})
                    groups.update({g["subscription_group_id"]: g["subscription_state"] for g in value})
                elif name not in IDENTIFIERS:
                    user[name] = value
            processed += 1
        answer: dict[str, Any] = {"message": "success", "attributes_processed": processed}
        if errors:
            answer["errors"] = errors
        return JSONResponse(answer, status_code=201)

    async def hard_bounces(request: Request) -> JSONResponse:
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return braze_error("Invalid API key", 401)
        email = (request.query_params.get("email") or "").lower()
        if not email:
            return braze_error("email, or start_date and end_date, required")
        found = (
            [{"email": email, "hard_bounced_at": "2026-01-01T00:00:00Z"}]
            if email in store.hard_bounced
            else []
        )
        return JSONResponse({"emails": found, "message": "success"})

    async def export_ids(request: Request) -> JSONResponse:
        problem, _, body = await guarded(request)
        if problem is not None:
            return problem
        wanted = [
            (EXPORT_KEYS[key], value)
            for key, given in body.items()
            if key in EXPORT_KEYS
            for value in (given if isinstance(given, list) else [given])
        ]
        users, invalid = [], []
        for kind, value in wanted:
            user = store.users.get(f"{kind}:{value}")
            if user is None:
                invalid.append(value)
                continue
            custom = {k: v for k, v in user.items() if k not in STANDARD_ATTRIBUTES}
            users.append({kind: value, "custom_attributes": custom})
        return JSONResponse(
            {"users": users, "invalid_user_ids": invalid, "message": "success"}, status_code=201
        )

    async def reset(request: Request) -> JSONResponse:
        store.blocklist.clear()
        store.hard_bounced.clear()
        store.users.clear()
        return JSONResponse({"reset": True})

    async def show(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "blocklist": sorted(store.blocklist),
                "hard_bounced": sorted(store.hard_bounced),
                "users": store.users,
            }
        )

    return [
        Route("/_sandbox/state", show, methods=["GET"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/email/hard_bounces", hard_bounces, methods=["GET"]),
        Route("/users/export/ids", export_ids, methods=["POST"]),
        Route("/email/blocklist", blocklist, methods=["POST"]),
        Route("/email/blacklist", blocklist, methods=["POST"]),
        Route("/email/bounce/remove", bounce_remove, methods=["POST"]),
        Route("/users/track", track, methods=["POST"]),
    ]
