"""The collector as a Starlette app: the Tracking API routes, the partner webhooks, /health, the debugger,
and a lifespan that recovers crashed segments, runs the group-commit writer and closes the open segments on
shutdown."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from interaction_pipeline.collector import debugger
from interaction_pipeline.collector.committer import GroupCommitter
from interaction_pipeline.collector.config import CollectorConfig
from interaction_pipeline.collector.ingest import IngestEndpoint
from interaction_pipeline.collector.live_view import LiveView
from interaction_pipeline.collector.recovery import recover_spool
from interaction_pipeline.collector.registry import Registry
from interaction_pipeline.collector.reject_budget import RejectBudget
from interaction_pipeline.collector.spool import SpoolStream, private_directory
from interaction_pipeline.collector.webhooks.endpoint import PREFIX as WEBHOOKS_PREFIX
from interaction_pipeline.collector.webhooks.endpoint import WebhookEndpoint

logger = logging.getLogger("interaction_pipeline.collector")

# path suffix -> message type (None = batch); the one-letter paths are the ones analytics.js posts to.
TRACKING_PATHS = {
    "track": "track", "t": "track",
    "identify": "identify", "i": "identify",
    "page": "page", "p": "page",
    "screen": "screen", "s": "screen",
    "group": "group", "g": "group",
    "alias": "alias", "a": "alias",
    "batch": None, "b": None,
    "import": None,
}  # fmt: skip

# A test hook: given the ASGI scope, return (status, headers) to answer before anything is written.
FaultHook = Callable[[dict], tuple[int, list[tuple[bytes, bytes]]] | None]


@dataclass
class CollectorState:
    config: CollectorConfig
    registry: Registry
    live_view: LiveView
    reject_budget: RejectBudget
    fault_hook: FaultHook | None = None
    committer: GroupCommitter | None = None


async def health(request: Request) -> JSONResponse:
    """Liveness, the numbers that show whether the spool keeps up, and what became of reject records."""
    state = request.app.state.collector
    committer = state.committer
    rejects = {**state.reject_budget.summary(), "lost": committer.rejects_lost}
    return JSONResponse(
        {
            "status": "ok",
            "pending_bytes": committer.pending_bytes,
            "group_commits": committer.commits,
            "rejects": rejects,
        }
    )


async def not_found(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"success": False, "code": "not_found", "message": f"no route {request.url.path}"}, 404
    )


async def method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    body = {
        "success": False,
        "code": "method_not_allowed",
        "message": f"{request.method} is not allowed here",
    }
    return JSONResponse(body, 405)


def create_app(
    config: CollectorConfig | None = None, fault_hook: FaultHook | None = None
) -> TrackingFastPath:
    config = config or CollectorConfig.from_environment()
    budget = RejectBudget(
        config.rejects_client_rate,
        config.rejects_client_burst,
        config.rejects_source_rate,
        config.rejects_source_burst,
    )
    state = CollectorState(
        config, Registry(config.sources_registry), LiveView(config.debugger_buffer), budget, fault_hook
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        for directory in (config.events_spool, config.rejects_spool):
            private_directory(directory.parent)
            private_directory(directory)
            recovered = recover_spool(directory)
            if recovered:
                logger.warning("closed %d segment(s) left open by a crash in %s", len(recovered), directory)
        events = SpoolStream(config.events_spool, config.segment_max_bytes, config.segment_max_age_seconds)
        rejects = SpoolStream(config.rejects_spool, config.segment_max_bytes, config.segment_max_age_seconds)
        state.committer = GroupCommitter(events, rejects, config.max_pending_bytes)
        state.committer.start()
        logger.info("collector ready; spooling to %s", config.events_spool)
        try:
            yield
        finally:
            await state.committer.stop()
            logger.info(
                "collector stopped after %d group commits; open segments closed", state.committer.commits
            )

    endpoints = {f"/v1/{suffix}": IngestEndpoint(state, kind) for suffix, kind in TRACKING_PATHS.items()}
    webhooks = WebhookEndpoint(state)
    routes = [Route(path, endpoint) for path, endpoint in endpoints.items()]
    routes += [Route(WEBHOOKS_PREFIX + "{rest:path}", webhooks), Route("/health", health)]
    routes += debugger.routes(state)
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={404: not_found, 405: method_not_allowed},
    )
    app.state.collector = state
    return TrackingFastPath(app, endpoints, webhooks)


class TrackingFastPath:
    """Hands Tracking API and webhook requests straight to their endpoint, before Starlette's middleware and
    routing.

    The same endpoints are in the route list, so behaviour is identical; this only takes the per-request
    routing cost off the hot path. Everything else (lifespan, debugger, 404s) goes to the Starlette app.
    """

    def __init__(
        self, app: Starlette, endpoints: dict[str, IngestEndpoint], webhooks: WebhookEndpoint
    ) -> None:
        self.app = app
        self.endpoints = endpoints
        self.webhooks = webhooks
        self.state = app.state

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            endpoint = self.endpoints.get(path)
            if endpoint is not None:
                return await endpoint(scope, receive, send)
            if path.startswith(WEBHOOKS_PREFIX):
                return await self.webhooks(scope, receive, send)
        await self.app(scope, receive, send)
