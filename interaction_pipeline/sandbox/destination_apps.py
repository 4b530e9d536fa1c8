"""The audience destination stand-ins as one small app, and a loopback server for tests and benchmarks.

The full sandbox (`interaction-pipeline sandbox`) mounts the same route lists next to the object sources;
this app holds only the destinations so activation tests and `benchmarks/bench_activation.py` start fast.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount

from interaction_pipeline.sandbox.server import free_port, serving

DESTINATION_MOUNTS = {
    "/meta": "interaction_pipeline.sandbox.meta.api",
    "/google-ads": "interaction_pipeline.sandbox.google_ads.api",
    "/braze": "interaction_pipeline.sandbox.braze.api",
    "/webhook": "interaction_pipeline.sandbox.webhook.api",
}


def destinations_app() -> Starlette:
    import importlib

    mounts = [
        Mount(prefix, routes=importlib.import_module(module).routes(None))
        for prefix, module in DESTINATION_MOUNTS.items()
    ]
    return Starlette(routes=mounts)


@contextlib.contextmanager
def serve_in_thread(app: Starlette, port: int | None = None) -> Iterator[str]:
    """Serve `app` on loopback in a background thread; yields its base URL."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    with serving(uvicorn.Server(config), "destination sandbox"):
        yield f"http://127.0.0.1:{port}"
