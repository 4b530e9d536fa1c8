"""Zendesk stand-in: the incremental exports and show endpoints for tickets, users and organizations.

Mounted at ``/zendesk`` and answered at the sandbox's root as well, as ``https://<subdomain>.zendesk.com``
answers ``/api/v2/...`` (zenpy reaches it with ``ZENPY_FORCE_NETLOC``).

- Cursor-based export: ``GET /api/v2/incremental/<collection>/cursor.json?start_time=<unix>``, then
  ``?cursor=<after_cursor>`` until ``end_of_stream``; ``before_cursor`` pages back.
- Time-based export (what organizations offer):
  ``GET /api/v2/incremental/<collection>.json?start_time=<unix>`` with ``end_time`` as the next start.
- Both: ``per_page`` up to 1000; items changed within the last minute are excluded; ``start_time`` may not be
  within that minute either. With rate limits on, 10 requests per minute, then 429 with ``Retry-After``.
- Show: ``GET /api/v2/<collection>/<id>.json`` answers ``{"ticket": {...}}``.

Basic auth ``{email}/token:{token}``. Errors are ``{"error": ..., "description": ...}``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from interaction_pipeline.sandbox.responses import basic_credentials, bounded_int, json_response
from interaction_pipeline.sandbox.root_paths import public_path
from interaction_pipeline.sandbox.state import SandboxState
from interaction_pipeline.sandbox.stripe.store import SandboxError
from interaction_pipeline.sandbox.zendesk.store import (
    COLLECTIONS,
    FRESHNESS_EXCLUSION_SECONDS,
    ZendeskStore,
)

INCREMENTAL_REQUESTS_PER_MINUTE = 10
ROOT_PATHS = ("/api/v2/",)  # a Zendesk account answers at its host's root
SINGULAR = {"tickets": "ticket", "users": "user", "organizations": "organization"}


def attach(state: SandboxState) -> ZendeskStore:
    return state.vendors.setdefault("zendesk", ZendeskStore(state.clock))


def error(status: int, name: str, description: str, headers=None):
    return json_response({"error": name, "description": description}, status, headers)


def routes(state: SandboxState) -> list[BaseRoute]:
    store = attach(state)

    def refusal(request: Request, collection: str):
        """The error response for bad auth or an unknown or forbidden collection, else None."""
        credentials = basic_credentials(request)
        if credentials != (f"{store.email}/token", store.token):
            return json_response({"error": "Couldn't authenticate you"}, 401)
        if collection not in COLLECTIONS:
            return error(404, "InvalidEndpoint", "Not found")
        if state.is_denied("zendesk", collection):
            return error(
                403, "Forbidden", "You do not have access to this page. Please contact the account owner."
            )
        return None

    def guard(request: Request, collection: str):
        """``refusal``, plus the incremental exports' own rate limit."""
        refused = refusal(request, collection)
        if refused is not None:
            return refused
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
        refused = guard(request, collection)
        if refused is not None:
            return refused
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
                page = store.export(collection, int(start_time) if cursor is None else None, cursor, per_page)
        except SandboxError as failure:
            return error(failure.status, "InvalidValue", failure.message)
        base = _base_url(request)
        # The links keep the page size asked for, so a client that follows them gets pages of that size.
        size = f"&per_page={per_page}" if "per_page" in params else ""
        return json_response(
            {
                collection: page.items,
                "after_url": f"{base}?cursor={page.after_cursor}{size}",
                "after_cursor": page.after_cursor,
                "before_url": f"{base}?cursor={page.before_cursor}{size}" if page.before_cursor else None,
                "before_cursor": page.before_cursor,
                "end_of_stream": page.end_of_stream,
            }
        )

    def show(request: Request):
        collection = request.path_params["collection"]
        refused = refusal(request, collection)
        if refused is not None:
            return refused
        try:
            with state.lock:
                obj = store.show(collection, request.path_params["object_id"])
        except SandboxError:
            return error(404, "RecordNotFound", "Not found")
        return json_response({SINGULAR[collection]: obj})

    def time_based_export(request: Request):
        collection = request.path_params["collection"]
        refused = guard(request, collection)
        if refused is not None:
            return refused
        start_time = request.query_params.get("start_time", "")
        if not start_time.isdigit():
            return error(400, "InvalidValue", "start_time is required")
        if int(start_time) > state.clock.now() - FRESHNESS_EXCLUSION_SECONDS:
            return error(400, "InvalidValue", "Too recent start_time. Use a start_time older than a minute")
        per_page = bounded_int(request.query_params.get("per_page"), 1000, 1, 1000)
        with state.lock:
            items, end_time, end_of_stream = store.export_by_time(collection, int(start_time), per_page)
        base = _base_url(request)
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
        Route("/api/v2/{collection}/{object_id:int}.json", show),
    ]


def _base_url(request: Request) -> str:
    """This endpoint's URL as the client called it, for the next and previous page links."""
    return f"{request.url.scheme}://{request.url.netloc}{public_path(request.scope)}"
