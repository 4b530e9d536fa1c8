"""Stripe stand-in: ``/v1/<collection>`` list and retrieve endpoints and ``/v1/events``, newest first.

Mounted at ``/stripe``, so ``stripe.api_base`` (or ``StripeClient(base_addresses=...)``) set to
``<sandbox>/stripe`` is all Stripe's own SDK needs. Behaviour follows Stripe's documented API: Bearer (or
Basic) secret key, ``limit`` 1-100 (default 10), ``starting_after``/``ending_before`` object-id cursors,
``has_more``, ``created`` and ``created[gt|gte|lt|lte]`` filters, ``status`` on subscriptions (non-canceled by
default; ``all`` for everything), ``type`` (``*`` wildcards) or ``types`` (up to 20) on events, events visible
for 30 days, deleted customers still retrievable as ``{"id", "object", "deleted": true}``, errors as
``{"error": {"type", "message", "code"?, "param"?}}``, 25 requests/s when rate limits are on.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from interaction_pipeline.sandbox.responses import basic_credentials, bearer_token, json_response
from interaction_pipeline.sandbox.state import SandboxState
from interaction_pipeline.sandbox.stripe.params import array_param, created_filter, page
from interaction_pipeline.sandbox.stripe.store import COLLECTIONS, SandboxError, StripeStore

RATE_LIMIT_PER_SECOND = 25
MAX_EVENT_TYPES = 20


def attach(state: SandboxState) -> StripeStore:
    return state.vendors.setdefault("stripe", StripeStore(state.clock))


def error(
    status: int,
    message: str,
    error_type: str = "invalid_request_error",
    headers=None,
    code: str | None = None,
    param: str | None = None,
):
    body = {"type": error_type, "message": message}
    body.update({key: value for key, value in (("code", code), ("param", param)) if value})
    return json_response({"error": body}, status, headers)


def routes(state: SandboxState) -> list[BaseRoute]:
    store = attach(state)

    def guarded(handler: Callable) -> Callable:
        def endpoint(request: Request):
            key = bearer_token(request) or (basic_credentials(request) or ("", ""))[0]
            if key != store.api_key:
                return error(401, f"Invalid API Key provided: {key[:8]}{'*' * 4}")
            wait = state.rate_limited("stripe", RATE_LIMIT_PER_SECOND, 1.0)
            if wait:
                return error(
                    429, "Request rate limit exceeded.", headers={"Retry-After": str(wait)}, code="rate_limit"
                )
            collection = request.path_params.get("collection", "events")
            if state.is_denied("stripe", collection):
                return error(
                    403,
                    f"The provided key does not have the required permissions for /v1/{collection}.",
                    "permission_error",
                )
            try:
                with state.lock:
                    return handler(request)
            except SandboxError as failure:
                return error(failure.status, failure.message, code=failure.code, param=failure.param)

        return endpoint

    @guarded
    def list_collection(request: Request):
        collection = request.path_params["collection"]
        if collection not in COLLECTIONS:
            return error(404, f"Unrecognized request URL (GET: /v1/{collection}).")
        created = created_filter(request.query_params)
        status = request.query_params.get("status")
        if collection != "subscriptions" or status == "all":
            return page(store.data[collection], request, created, f"/v1/{collection}")

        def matches(obj: dict) -> bool:
            # Stripe lists only non-canceled subscriptions unless asked for a status or `all`.
            wanted = obj.get("status") == status if status else obj.get("status") != "canceled"
            return wanted and created(obj)

        return page(store.data[collection], request, matches, f"/v1/{collection}")

    @guarded
    def retrieve(request: Request):
        collection, object_id = request.path_params["collection"], request.path_params["object_id"]
        if collection not in COLLECTIONS:
            return error(404, f"Unrecognized request URL (GET: /v1/{collection}/{object_id}).")
        return json_response(store.retrieve(collection, object_id))

    @guarded
    def list_events(request: Request):
        wanted = _event_type_filter(request)
        horizon = store.visible_events_since()
        created = created_filter(request.query_params)

        def matches(event: dict) -> bool:
            return event["created"] >= horizon and created(event) and wanted(event["type"])

        return page(store.events, request, matches, "/v1/events", stop=lambda e: e["created"] < horizon)

    @guarded
    def retrieve_event(request: Request):
        event = store.events.objects.get(request.path_params["event_id"])
        if event is None or event["created"] < store.visible_events_since():
            raise SandboxError(
                404, f"No such event: '{request.path_params['event_id']}'", "resource_missing", "id"
            )
        return json_response(event)

    return [
        Route("/v1/events", list_events),
        Route("/v1/events/{event_id}", retrieve_event),
        Route("/v1/{collection}", list_collection),
        Route("/v1/{collection}/{object_id}", retrieve),
    ]


def _event_type_filter(request: Request) -> Callable[[str], bool]:
    """``type`` (one name, ``*`` matching any part) or ``types`` (exact names); never both."""
    pattern = request.query_params.get("type")
    types = set(array_param(request.query_params, "types"))
    if pattern and types:
        raise SandboxError(400, "You may pass either type or types, but not both.", param="types")
    if len(types) > MAX_EVENT_TYPES:
        raise SandboxError(400, f"types may contain at most {MAX_EVENT_TYPES} event types.", param="types")
    if pattern:
        return lambda event_type: fnmatch.fnmatchcase(event_type, pattern)
    return lambda event_type: not types or event_type in types
