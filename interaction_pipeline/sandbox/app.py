"""The sandbox server: every vendor stand-in mounted under its prefix, plus the control API.

Adding a vendor is one line in ``VENDORS``: the module exposes ``routes(state) -> list[BaseRoute]`` (paths as
the real API has them) and may expose ``attach(state)``, which puts the vendor's own state piece into
``state.vendors[<name>]`` (an object with ``collections/list_objects/create/update/delete/seed`` also gets
the generic ``/_sandbox/objects/<name>/...`` control endpoints and seeding from the demo story).
A module may also list ``ROOT_PATHS``, its real paths answered at the sandbox's root too (see ``root_paths``).
One set of fault rules applies to every vendor (``faults``), each answering an injected error in its own shape
when its module defines ``fault_answer``; the ``Date`` header follows the sandbox clock so clients can measure
horizons against the server's time, as they would against the real API's.
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.utils import format_datetime

from starlette.applications import Starlette
from starlette.routing import Mount

from interaction_pipeline.sandbox import control
from interaction_pipeline.sandbox.braze import api as braze_api
from interaction_pipeline.sandbox.fault_middleware import FaultMiddleware
from interaction_pipeline.sandbox.faults import Faults
from interaction_pipeline.sandbox.google_ads import api as google_ads_api
from interaction_pipeline.sandbox.meta import api as meta_api
from interaction_pipeline.sandbox.root_paths import RootPaths
from interaction_pipeline.sandbox.salesforce import api as salesforce_api
from interaction_pipeline.sandbox.state import SandboxState
from interaction_pipeline.sandbox.stripe import api as stripe_api
from interaction_pipeline.sandbox.webhook import api as webhook_api
from interaction_pipeline.sandbox.zendesk import api as zendesk_api

log = logging.getLogger(__name__)

# URL prefix -> vendor module. The prefix is also the name in `state.vendors` and in the control API.
VENDORS = {
    "stripe": stripe_api,
    "zendesk": zendesk_api,
    "salesforce": salesforce_api,
    "meta": meta_api,
    "google-ads": google_ads_api,
    "braze": braze_api,
    "webhook": webhook_api,
}


def create_app(state: SandboxState | None = None, faults: Faults | None = None) -> Starlette:
    state = state or SandboxState()
    faults = faults or Faults(seed=state.seed)
    attach_vendors(state)
    mounts = [Mount("/_sandbox", routes=control.routes(state, faults))]
    mounts += [Mount(f"/{prefix}", routes=module.routes(state)) for prefix, module in VENDORS.items()]
    app = Starlette(routes=mounts)
    app.state.sandbox = state
    app.state.faults = faults
    answers = {
        prefix: module.fault_answer for prefix, module in VENDORS.items() if hasattr(module, "fault_answer")
    }
    roots = {
        root: f"/{prefix}" for prefix, module in VENDORS.items() for root in getattr(module, "ROOT_PATHS", ())
    }
    return RootPaths(_ClockAndCounts(FaultMiddleware(app, faults, answers), state), roots)


def attach_vendors(state: SandboxState) -> None:
    """Give every vendor that keeps state its piece of ``state`` (idempotent)."""
    for module in VENDORS.values():
        attach = getattr(module, "attach", None)
        if attach is not None:
            attach(state)


def seed_from_story(state: SandboxState, seed: int, size: int, now: datetime | None = None) -> bool:
    """Fill every object vendor from the demo story. False (and an empty sandbox) if no story is available."""
    try:
        from interaction_pipeline.story import generator as story
    except ImportError:
        log.warning("demo story generator not available; the sandbox starts empty")
        return False
    attach_vendors(state)
    generated = story.generate_story(seed=seed, size=size, now=now)
    with state.lock:
        for key, objects in generated.objects.items():
            vendor_name, _, collection = key.partition("/")
            vendor = state.object_vendor(vendor_name)
            if vendor is not None and collection in vendor.collections():
                vendor.seed(collection, objects)
        state.seed, state.size = seed, size
    return True


class _ClockAndCounts:
    """Outermost middleware: count requests per vendor and path, and send ``Date`` from the sandbox clock."""

    def __init__(self, app, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if not path.startswith("/_sandbox"):
            vendor = path.strip("/").split("/", 1)[0]
            self.state.requests[vendor] += 1
            self.state.requests[path] += 1

        async def send_with_date(message) -> None:
            if message["type"] == "http.response.start":
                date = format_datetime(self.state.clock.now_datetime(), usegmt=True).encode()
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                message = {**message, "headers": [*headers, (b"date", date)]}
            await send(message)

        await self.app(scope, receive, send_with_date)
