"""Fault injection for the audience destination stand-ins (Meta, Google Ads, Braze, webhook).

Each stand-in owns one `FaultBook`. `POST <prefix>/_sandbox/faults` with
``{"rules": [{"path_contains": "/users", "method": "POST", "status": 429, "retry_after": 1, "times": 2}]}``
arms rules; a rule fires on the next matching requests until its `times` run out. Kinds of rule:

- ``status`` (429, 500, 503, ...): answer with the vendor's error shape and that status, nothing applied;
- ``delay`` (seconds): hold the request that long before handling it (a client timeout), then apply it;
- ``partial`` (n): handle the request but refuse n of its rows the way the vendor reports partial failures.

`DELETE <prefix>/_sandbox/faults` clears them; `GET` lists what is armed and what fired.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class FaultRule:
    path_contains: str = ""
    method: str | None = None
    status: int | None = None
    retry_after: float | None = None
    delay: float | None = None
    partial: int | None = None
    code: str | None = None  # vendor error code to put in the body (e.g. CONCURRENT_MODIFICATION)
    times: int = 1

    def matches(self, request: Request) -> bool:
        return (
            self.times > 0
            and self.path_contains in request.url.path
            and (self.method is None or self.method.upper() == request.method)
        )


@dataclass
class FaultBook:
    rules: list[FaultRule] = field(default_factory=list)
    fired: list[dict[str, Any]] = field(default_factory=list)

    def take(self, request: Request) -> FaultRule | None:
        for rule in self.rules:
            if rule.matches(request):
                rule.times -= 1
                self.fired.append({"path": request.url.path, "method": request.method, **rule.__dict__})
                return rule
        return None

    async def apply(self, request: Request, error_body) -> tuple[JSONResponse | None, int]:
        """Returns (error response to send instead, rows to refuse). Delays happen here."""
        rule = self.take(request)
        if rule is None:
            return None, 0
        if rule.delay:
            await asyncio.sleep(rule.delay)
        if rule.status:
            headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else None
            return JSONResponse(error_body(rule), status_code=rule.status, headers=headers), 0
        return None, rule.partial or 0

    def routes(self, prefix: str = "/_sandbox/faults") -> list[Route]:
        async def arm(request: Request) -> JSONResponse:
            body = await request.json()
            self.rules.extend(FaultRule(**rule) for rule in body.get("rules", []))
            return JSONResponse({"armed": len(self.rules)})

        async def clear(request: Request) -> JSONResponse:
            self.rules.clear()
            return JSONResponse({"armed": 0})

        async def show(request: Request) -> JSONResponse:
            return JSONResponse(
                {"armed": [r.__dict__ for r in self.rules if r.times > 0], "fired": self.fired}
            )

        return [
            Route(prefix, arm, methods=["POST"]),
            Route(prefix, clear, methods=["DELETE"]),
            Route(prefix, show, methods=["GET"]),
        ]
