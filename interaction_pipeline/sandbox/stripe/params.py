"""Stripe's list parameters: form-style arrays, ``created`` ranges and the two page cursors.

Stripe reads arrays written either way a form encoder writes them: ``types[]=a&types[]=b`` (what most HTTP
libraries send) or ``types[0]=a&types[1]=b`` (what Stripe's own SDKs send). ``starting_after`` pages towards
older objects and ``ending_before`` towards newer ones; each page keeps the list's newest-first order.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.datastructures import QueryParams
from starlette.requests import Request

from interaction_pipeline.sandbox.ordered import OrderedObjects
from interaction_pipeline.sandbox.responses import bounded_int, json_response
from interaction_pipeline.sandbox.stripe.store import SandboxError

CREATED_FILTERS = {
    "gt": lambda c, v: c > v,
    "gte": lambda c, v: c >= v,
    "lt": lambda c, v: c < v,
    "lte": lambda c, v: c <= v,
}


def array_param(params: QueryParams, name: str) -> list[str]:
    """Every value of the array parameter ``name``, in index order for the indexed form."""
    indexed = re.compile(rf"^{re.escape(name)}\[(\d+)\]$")
    numbered = sorted(
        (int(match[1]), value)
        for key, value in params.multi_items()
        if (match := indexed.match(key)) is not None
    )
    return [value for _, value in numbered] + params.getlist(f"{name}[]")


def created_filter(params: QueryParams) -> Callable[[dict], bool]:
    bounds = []
    for operator, compare in CREATED_FILTERS.items():
        raw = params.get(f"created[{operator}]")
        if raw is not None:
            try:
                bounds.append((compare, int(raw)))
            except ValueError as failure:
                raise SandboxError(400, f"Invalid integer: {raw}", param=f"created[{operator}]") from failure
    exact = params.get("created")
    if exact is not None:
        if not exact.isdigit():
            raise SandboxError(400, f"Invalid integer: {exact}", param="created")
        bounds.append((lambda c, v: c == v, int(exact)))
    return lambda obj: all(compare(obj.get("created", 0), value) for compare, value in bounds)


def page(objects: OrderedObjects, request: Request, matches, url: str, stop=None):
    """One list page of the objects ``matches`` accepts, as Stripe's list object.

    ``stop`` ends a walk towards older objects early (the Events API's 30-day horizon).
    """
    params = request.query_params
    limit = bounded_int(params.get("limit"), 10, 1, 100)
    starting_after, ending_before = params.get("starting_after"), params.get("ending_before")
    if starting_after and ending_before:
        raise SandboxError(
            400, "You may only specify one of these parameters: ending_before, starting_after."
        )
    order = objects.order()
    if ending_before:
        # Walk from just before the cursor towards the newest object; the page keeps list order.
        indexes = range(_position(objects, ending_before, "ending_before") - 1, -1, -1)
    else:
        start = _position(objects, starting_after, "starting_after") + 1 if starting_after else 0
        indexes = range(start, len(order))
    data: list[dict] = []
    for index in indexes:
        obj = objects.objects[order[index]]
        if stop is not None and not ending_before and stop(obj):
            break
        if matches(obj):
            data.append(obj)
            if len(data) > limit:
                break
    has_more = len(data) > limit
    data = data[:limit]
    if ending_before:
        data.reverse()
    return json_response({"object": "list", "url": url, "has_more": has_more, "data": data})


def _position(objects: OrderedObjects, object_id: str, param: str) -> int:
    after = objects.position_after(object_id)
    if after is None:
        raise SandboxError(400, f"No such object: '{object_id}'", param=param)
    return after - 1
