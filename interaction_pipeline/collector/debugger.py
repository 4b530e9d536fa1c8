"""``GET /debugger``: a live view of accepted messages and rejects per source, and its JSON API.

Protected by ``INTERACTION_PIPELINE_ADMIN_TOKEN`` (``Authorization: Bearer``, ``?token=`` once in the
browser, which sets a cookie, or the cookie itself). With no token configured the debugger answers only a
request that is loopback from end to end: a loopback peer, a loopback ``Host`` (a page on another site whose
name was rebound to 127.0.0.1 sends its own name), and no proxy header (a proxy on the same machine connects
from loopback on behalf of anyone).
"""

from __future__ import annotations

import hashlib
import hmac

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from interaction_pipeline.collector.debugger_page import PAGE
from interaction_pipeline.collector.webhooks.partners import PARTNERS

COOKIE = "ip_debugger_token"
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")
MAX_LIMIT = 500


def _same_secret(presented: str, expected: str) -> bool:
    digest = hashlib.sha256
    return hmac.compare_digest(digest(presented.encode()).digest(), digest(expected.encode()).digest())


def presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.query_params.get("token") or request.cookies.get(COOKIE)


def host_name(host_header: str) -> str:
    """The name in a ``Host`` header, without its port: ``[::1]:8088`` → ``::1``."""
    if host_header.startswith("["):
        return host_header[1:].partition("]")[0]
    return host_header.rpartition(":")[0] if host_header.count(":") == 1 else host_header


def is_direct_loopback(request: Request) -> bool:
    headers = request.headers
    if request.client is None or request.client.host not in LOOPBACK:
        return False
    if any(name in headers for name in PROXY_HEADERS):
        return False
    return host_name(headers.get("host", "").lower()) in LOOPBACK


def is_allowed(request: Request, token: str | None) -> bool:
    if token is None:
        return is_direct_loopback(request)
    presented = presented_token(request)
    return presented is not None and _same_secret(presented, token)


def _json(body: object, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status, media_type="application/json")


def _forbidden(token: str | None) -> Response:
    if token is None:
        message = (
            "with no INTERACTION_PIPELINE_ADMIN_TOKEN set, the debugger answers only direct loopback "
            "requests (Host 127.0.0.1, [::1] or localhost, no X-Forwarded-For or Forwarded header)"
        )
    else:
        message = "the debugger needs the admin token (INTERACTION_PIPELINE_ADMIN_TOKEN)"
    return _json({"success": False, "code": "forbidden", "message": message}, 403)


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, int(value)) if value is not None else default
    except ValueError:
        return default


def routes(state) -> list[Route]:
    token = state.config.admin_token

    async def page(request: Request) -> Response:
        if not is_allowed(request, token):
            return _forbidden(token)
        if token and request.query_params.get("token"):
            # Move the token from the URL (history, logs) into an HttpOnly cookie.
            response = RedirectResponse("/debugger", 303)
            secure = request.url.scheme == "https"
            response.set_cookie(
                COOKIE, token, httponly=True, samesite="strict", path="/debugger", secure=secure
            )
            return response
        return HTMLResponse(PAGE)

    async def sources(request: Request) -> Response:
        if not is_allowed(request, token):
            return _forbidden(token)
        state.registry.reload_if_changed()
        listed = []
        for source in state.registry.sources:
            activity = state.live_view.sources.get(source.name)
            listed.append(
                {
                    "name": source.name,
                    "kind": source.kind,
                    # Where the source's events arrive: its partner's webhook endpoint, or the Tracking API.
                    "endpoint": f"/webhooks/{source.kind}" if source.kind in PARTNERS else "/v1",
                    "allowed_origins": source.allowed_origins,
                    "key_ids": [entry["key_id"] for entry in source.write_keys],
                    "accepted": activity.accepted if activity else 0,
                    "rejected": activity.rejected if activity else 0,
                    # Reject records kept, kept without their body, or not kept under the rejects budget.
                    "reject_records": state.reject_budget.counts_for(source.name),
                    "last_received_at": activity.last_received_at if activity else None,
                    "events": dict(sorted(activity.events.items())) if activity else {},
                }
            )
        return _json({"sources": listed})

    async def events(request: Request) -> Response:
        if not is_allowed(request, token):
            return _forbidden(token)
        query = request.query_params
        found = state.live_view.events(
            query.get("source") or None,
            query.get("event") or None,
            query.get("q") or None,
            _int(query.get("after"), 0),
            min(_int(query.get("limit"), MAX_LIMIT), MAX_LIMIT),
        )
        listed = [
            {"seq": seq, "source": name, "type": kind, "event": event, "message": orjson.Fragment(line)}
            for seq, name, kind, event, line in found
        ]
        return _json({"events": listed, "last_seq": found[-1][0] if found else _int(query.get("after"), 0)})

    async def rejects(request: Request) -> Response:
        if not is_allowed(request, token):
            return _forbidden(token)
        query = request.query_params
        after = _int(query.get("after"), 0)
        found = state.live_view.recent_rejects(
            query.get("source") or None, after, min(_int(query.get("limit"), MAX_LIMIT), MAX_LIMIT)
        )
        listed = [{"seq": seq, **record} for seq, record in found]
        return _json({"rejects": listed, "last_seq": found[-1][0] if found else after})

    return [
        Route("/debugger", page),
        Route("/debugger/api/sources", sources),
        Route("/debugger/api/events", events),
        Route("/debugger/api/rejects", rejects),
    ]
