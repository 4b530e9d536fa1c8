"""Zendesk stand-in: the incremental exports for tickets, users and organizations.

Mounted at ``/zendesk``. Cursor-based: ``GET /api/v2/incremental/<collection>/cursor.json?start_time=<unix>``
then ``?cursor=<after_cursor>`` until ``end_of_stream``. Time-based (what organizations offer):
``GET /api/v2/incremental/<collection>.json?start_time=<unix>`` with ``end_time`` as the next start.
``per_page`` up to 1000; items changed within the last minute are excluded; ``start_time`` may not be within
that minute either. Basic auth ``{email}/token:{token}``. With rate limits on, 10 requests per minute across
the incremental endpoints, then 429 with ``Retry-After``. Errors are ``{"error": ..., "description": ...}``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from interaction_pipeline.sandbox.responses import basic_credentials, bounded_int, json_response
from interaction_pipeline.sandbox.state import SandboxState
from interaction_pipeline.sandbox.stripe.store import SandboxError
from interaction_pipeline.sandbox.zendesk.store import (
    COLLECTIONS,
    FRESHNESS_EXCLUSION_SECONDS,
    ZendeskStore,
    encode_cursor,
)

INCREMENTAL_REQUESTS_PER_MINUTE = 10


def attach(state: SandboxState) -> ZendeskStore:
    return state.vendors.setdefault("zendesk", ZendeskStore(state.clock))


def error(status: int, name: str, description: str, headers=None):
    return json_response({"error": name, "description": description}, status, headers)


def routes(state: SandboxState) -> list[BaseRoute]:
    store = attach(state)

    def guard(request: Request, collection: str):
        """The error response for bad auth, unknown or forbidden collections and rate limits, else None."""
        credentials = basic_credentials(request)
        if credentials != (f"{store.email}/token", store.token):
            return json_response({"error": "Couldn't authenticate you"}, 401)
        if collection not in COLLECTIONS:
            return error(404, "InvalidEndpoint", "Not found")
        if state.is_denied("zendesk", collection):
            return error(
                403, "Forbidden", "You do not have access to this page. Please contact the account owner."
            )
        wait = state.rate_limited("zendesk_incremental", INCREMENTAL_REQUESTS_PER_MINUTE, 60.0)
        if wait:
            return error(
                429,
                "APIRateLimitExceeded",
                "Number of allowed incremental export API requests per minute exceeded",
                headers={"Retry-After": str(wait)},
            )
        return None

    def incremental_export(request: Request):
        collection = request.path_params["collection"]
        refusal = guard(request, collection)
        if refusal is not None:
            return refusal
        params = request.query_params
        per_page = bounded_int(params.get("per_page"), 1000, 1, 1000)
        cursor, start_time = params.get("cursor"), params.get("start_time")
        if cursor is None:
            if start_time is None or not start_time.isdigit():
                return error(400, "InvalidValue", "start_time or cursor is required")
            if int(start_time) > state.clock.now() - FRESHNESS_EXCLUSION_SECONDS:
                return error(
                    400, "InvalidValue", "Too recent start_time. Use a start_time older than a minute"
                )
        try:
            with state.lock:
                items, after, end_of_stream = store.export(
                    collection, int(start_time) if cursor is None else None, cursor, per_page
                )
        except SandboxError as failure:
            return error(failure.status, "InvalidValue", failure.message)
        base = str(request.url).split("?")[0]
        after_cursor = encode_cursor(after)
        before_cursor = encode_cursor((items[0]["generated_timestamp"], 0)) if items else None
        return json_response(
            {
                collection: items,
                "after_url": f"{base}?cursor={after_cursor}",
                "after_cursor": after_cursor,
                "before_url": f"{base}?cursor={before_cursor}" if before_cursor else None,
                "before_cursor": before_cursor,
                "end_of_stream": end_of_stream,
            }
        )

    def time_based_export(request: Request):
        collection = request.path_params["collection"]
        refusal = guard(request, collection)
        if refusal is not None:
            return refusal
        start_time = request.query_params.get("start_time", "")
        if not start_time.isdigit():
            return error(400, "InvalidValue", "start_time is required")
        if int(start_time) > state.clock.now() - FRESHNESS_EXCLUSION_SECONDS:
            return error(400, "InvalidValue", "Too recent start_time. Use a start_time older than a minute")
        per_page = bounded_int(request.query_params.get("per_page"), 1000, 1, 1000)
        with state.lock:
            items, end_time, end_of_stream = store.export_by_time(collection, int(start_time), per_page)
        base = str(request.url).split("?")[0]
        return json_response(
            {
                collection: items,
                "count": len(items),
                "end_time": end_time,
                "next_page": None if end_of_stream else f"{base}?start_time={end_time}",
                "end_of_stream": end_of_stream,
            }
        )

    return [
        Route("/api/v2/incremental/{collection}/cursor.json", incremental_export),
        Route("/api/v2/incremental/{collection}.json", time_based_export),
    ]
