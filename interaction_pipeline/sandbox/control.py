"""The sandbox control API, mounted at ``/_sandbox``: change objects, move the clock, inject faults.

- ``GET  /_sandbox/health``                               -> ``{"ok": true, "vendors": [...]}``
- ``GET  /_sandbox/objects/{vendor}/{collection}``        -> every object as the vendor stores it
- ``POST /_sandbox/objects/{vendor}/{collection}``        body: fields -> the created object (ids and
  timestamps filled in; Stripe records a ``*.created`` event)
- ``PATCH /_sandbox/objects/{vendor}/{collection}/{id}``  body: fields to change -> the updated object
- ``DELETE /_sandbox/objects/{vendor}/{collection}/{id}`` -> deletes the way the vendor does (Stripe removes,
  or cancels a subscription; Zendesk marks; Salesforce sets ``IsDeleted``)
- ``GET/POST /_sandbox/clock``  body ``{"advance_seconds": n}`` or ``{"offset_seconds": n}``
- ``GET/PUT/POST/DELETE /_sandbox/faults``  the fault rules of every vendor (see ``faults``). ``PUT`` replaces
  them, ``{"seed": 7, "rules": {"/stripe/v1": {"rate": 0.2, "kinds": ["429", "timeout"], "retry_after": 1}}}``
  (or a list of rules that name their ``prefix``); ``POST`` adds ``{"rules": [{"prefix": "/meta",
  "path_contains": "/users", "status": 429, "times": 2}]}``; ``DELETE`` removes them all; ``GET`` lists them
  with how often each kind was injected and every request that got one
- ``PUT  /_sandbox/rate-limits``                          body ``{"enabled": true}``
- ``PUT  /_sandbox/permissions``                          body ``{"stripe": ["invoices"]}``: those answer 403
- ``GET/DELETE /_sandbox/requests``                       request counts per vendor (DELETE resets them)
"""

from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from interaction_pipeline.sandbox.faults import Faults
from interaction_pipeline.sandbox.responses import json_response
from interaction_pipeline.sandbox.state import SandboxState
from interaction_pipeline.sandbox.stripe.store import SandboxError


async def _body(request: Request) -> dict:
    raw = await request.body()
    if not raw:
        return {}
    body = orjson.loads(raw)
    if not isinstance(body, dict):
        raise SandboxError(400, "expected a JSON object")
    return body


def routes(state: SandboxState, faults: Faults) -> list[BaseRoute]:
    def health(request: Request):
        return json_response(
            {"ok": True, "vendors": sorted(state.vendors), "seed": state.seed, "size": state.size}
        )

    async def objects(request: Request):
        vendor_name, collection = request.path_params["vendor"], request.path_params["collection"]
        vendor = state.object_vendor(vendor_name)
        if vendor is None:
            return json_response(
                {"code": "unknown_vendor", "message": f"no object vendor {vendor_name!r}"}, 404
            )
        object_id = request.path_params.get("object_id")
        try:
            body = await _body(request)
            with state.lock:
                if request.method == "GET":
                    if collection not in vendor.collections():
                        raise SandboxError(404, f"unknown collection {collection!r}")
                    return json_response(vendor.list_objects(collection))
                if request.method == "POST":
                    return json_response(vendor.create(collection, body), 201)
                if request.method == "PATCH":
                    return json_response(vendor.update(collection, object_id, body))
                return json_response(vendor.delete(collection, object_id))
        except SandboxError as failure:
            return json_response({"code": "invalid", "message": failure.message}, failure.status)
        except orjson.JSONDecodeError:
            return json_response({"code": "invalid_json", "message": "body is not JSON"}, 400)

    async def clock(request: Request):
        if request.method == "POST":
            body = await _body(request)
            with state.lock:
                if "offset_seconds" in body:
                    state.clock.offset_seconds = float(body["offset_seconds"])
                state.clock.offset_seconds += float(body.get("advance_seconds", 0))
        return json_response({"offset_seconds": state.clock.offset_seconds, "now": state.clock.now()})

    async def fault_rules(request: Request):
        try:
            if request.method == "PUT":
                body = await _body(request)
                faults.configure(body.get("rules", {}), body.get("seed"))
            elif request.method == "POST":
                faults.add((await _body(request)).get("rules", []))
            elif request.method == "DELETE":
                faults.configure({})
        except (ValueError, TypeError, AttributeError, SandboxError) as failure:
            return json_response({"code": "invalid", "message": str(failure)}, 400)
        return json_response(faults.to_json())

    async def rate_limits(request: Request):
        body = await _body(request)
        with state.lock:
            state.rate_limits_enabled = bool(body.get("enabled", False))
            state.limiters.clear()
        return json_response({"enabled": state.rate_limits_enabled})

    async def permissions(request: Request):
        body = await _body(request)
        with state.lock:
            state.denied = {vendor: set(collections) for vendor, collections in body.items()}
        return json_response({vendor: sorted(c) for vendor, c in state.denied.items()})

    def requests_seen(request: Request):
        if request.method == "DELETE":
            state.requests.clear()
        return json_response(dict(state.requests))

    return [
        Route("/health", health),
        Route("/objects/{vendor}/{collection}", objects, methods=["GET", "POST"]),
        Route("/objects/{vendor}/{collection}/{object_id}", objects, methods=["PATCH", "DELETE"]),
        Route("/clock", clock, methods=["GET", "POST"]),
        Route("/faults", fault_rules, methods=["GET", "PUT", "POST", "DELETE"]),
        Route("/rate-limits", rate_limits, methods=["PUT"]),
        Route("/permissions", permissions, methods=["PUT"]),
        Route("/requests", requests_seen, methods=["GET", "DELETE"]),
    ]
