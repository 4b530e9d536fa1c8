"""Stripe stand-in: ``/v1/<collection>`` list endpoints and ``/v1/events``, newest first, cursor-paginated.

Mounted at ``/stripe``. Behaviour follows Stripe's documented API: Bearer (or Basic) secret key,
``limit`` 1-100 (default 10), ``starting_after`` object-id cursors, ``has_more``, ``created[gt|gte|lt|lte]``
filters, ``status`` on subscriptions (non-canceled by default; ``all`` for everything), ``type``/``types[]``
on events, events visible for 30 days, errors as ``{"error": {"type", "message"}}``, 25 requests/s when rate
limits are on.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from interaction_pipeline.sandbox.ordered import OrderedObjects
from interaction_pipeline.sandbox.responses import basic_credentials, bearer_token, bounded_int, json_response
from interaction_pipeline.sandbox.state import SandboxState
from interaction_pipeline.sandbox.stripe.store import COLLECTIONS, SandboxError, StripeStore

RATE_LIMIT_PER_SECOND = 25
CREATED_FILTERS = {
    "gt": lambda c, v: c > v,
    "gte": lambda c, v: c >= v,
    "lt": lambda c, v: c < v,
    "lte": lambda c, v: c <= v,
}


def attach(state: SandboxState) -> StripeStore:
    return state.vendors.setdefault("stripe", StripeStore(state.clock))


def error(status: int, message: str, error_type: str = "invalid_request_error", headers=None):
    return json_response({"error": {"type": error_type, "message": message}}, status, headers)


def routes(state: SandboxState) -> list[BaseRoute]:
    store = attach(state)

    def guarded(handler: Callable) -> Callable:
        def endpoint(request: Request):
            key = bearer_token(request) or (basic_credentials(request) or ("", ""))[0]
            if key != store.api_key:
                return error(401, f"Invalid API Key provided: {key[:8]}{'*' * 4}")
            wait = state.rate_limited("stripe", RATE_LIMIT_PER_SECOND, 1.0)
            if wait:
                return error(429, "Request rate limit exceeded.", headers={"Retry-After": str(wait)})
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
                return error(failure.status, failure.message)

        return endpoint

    @guarded
    def list_collection(request: Request):
        collection = request.path_params["collection"]
        if collection not in COLLECTIONS:
            return error(404, f"Unrecognized request URL (GET: /v1/{collection}).")
        created = _created_filter(request)
        status = request.query_params.get("status")
        if collection != "subscriptions" or status == "all":
            return _page(store.data[collection], request, created, f"/v1/{collection}")

        def matches(obj: dict) -> bool:
            # Stripe lists only non-canceled subscriptions unless asked for a status or `all`.
            wanted = obj.get("status") == status if status else obj.get("status") != "canceled"
            return wanted and created(obj)

        return _page(store.data[collection], request, matches, f"/v1/{collection}")

    @guarded
    def retrieve(request: Request):
        collection, object_id = request.path_params["collection"], request.path_params["object_id"]
        if collection not in COLLECTIONS:
            return error(404, f"Unrecognized request URL (GET: /v1/{collection}/{object_id}).")
        obj = store.data[collection].objects.get(object_id)
        return (
            json_response(obj) if obj else error(404, f"No such {COLLECTIONS[collection][0]}: '{object_id}'")
        )

    @guarded
    def list_events(request: Request):
        types = set(request.query_params.getlist("types[]")) | set(request.query_params.getlist("type"))
        horizon = store.visible_events_since()
        created = _created_filter(request)

        def matches(event: dict) -> bool:
            return event["created"] >= horizon and created(event) and (not types or event["type"] in types)

        return _page(store.events, request, matches, "/v1/events", stop=lambda e: e["created"] < horizon)

    return [
        Route("/v1/events", list_events),
        Route("/v1/{collection}", list_collection),
        Route("/v1/{collection}/{object_id}", retrieve),
    ]


def _created_filter(request: Request) -> Callable[[dict], bool]:
    bounds = []
    for operator, compare in CREATED_FILTERS.items():
        raw = request.query_params.get(f"created[{operator}]")
        if raw is not None:
            try:
                bounds.append((compare, int(raw)))
            except ValueError as failure:
                raise SandboxError(400, f"Invalid integer: {raw}") from failure
    return lambda obj: all(compare(obj.get("created", 0), value) for compare, value in bounds)


def _page(objects: OrderedObjects, request: Request, matches, url: str, stop=None):
    limit = bounded_int(request.query_params.get("limit"), 10, 1, 100)
    order = objects.order()
    start = 0
    starting_after = request.query_params.get("starting_after")
    if starting_after:
        position = objects.position_after(starting_after)
        if position is None:
            raise SandboxError(400, f"No such object: '{starting_after}'")
        start = position
    data: list[dict] = []
    for index in range(start, len(order)):
        obj = objects.objects[order[index]]
        if stop is not None and stop(obj):
            break
        if matches(obj):
            data.append(obj)
            if len(data) > limit:
                break
    return json_response({"object": "list", "url": url, "has_more": len(data) > limit, "data": data[:limit]})
