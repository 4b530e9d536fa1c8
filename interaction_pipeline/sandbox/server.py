"""Run the sandbox on a real uvicorn server in a background thread (tests, benchmarks, the demo)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import requests
import uvicorn

from interaction_pipeline.sandbox.app import create_app, seed_from_story
from interaction_pipeline.sandbox.fault_middleware import quiet_dropped_connections
from interaction_pipeline.sandbox.faults import Faults
from interaction_pipeline.sandbox.state import SandboxState


@dataclass(frozen=True)
class TlsFiles:
    certfile: str
    keyfile: str


@dataclass
class RunningSandbox:
    url: str
    state: SandboxState
    faults: Faults
    verify: str | bool = True  # the certificate to trust when the sandbox speaks HTTPS with its own

    def control(self, method: str, path: str, json=None) -> dict | list:
        """Call the control API, e.g. ``sandbox.control("POST", "/clock", {"advance_seconds": 120})``."""
        response = requests.request(
            method, f"{self.url}/_sandbox{path}", json=json, timeout=30, verify=self.verify
        )
        response.raise_for_status()
        return response.json()


def build_server(
    state: SandboxState, faults: Faults, host: str, port: int, tls: TlsFiles | None = None
) -> uvicorn.Server:
    """The sandbox's uvicorn server; with ``tls`` it speaks HTTPS, as simple-salesforce requires."""
    config = uvicorn.Config(
        create_app(state, faults),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        date_header=False,
        server_header=False,
        timeout_keep_alive=30,
        ssl_certfile=tls.certfile if tls else None,
        ssl_keyfile=tls.keyfile if tls else None,
    )
    quiet_dropped_connections()  # after uvicorn has configured its loggers
    return uvicorn.Server(config)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(server: uvicorn.Server, name: str) -> Iterator[None]:
    """Run a uvicorn server in a background thread until the block ends; waits until it accepts requests."""
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"{name} server did not start")
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def run_sandbox(
    seed: int = 42,
    size: int = 0,
    port: int = 0,
    host: str = "127.0.0.1",
    story: bool | None = None,
    tls: TlsFiles | None = None,
) -> Iterator[RunningSandbox]:
    """Serve a sandbox until the block ends. ``size`` > 0 seeds it from the demo story (when available).

    ``port=0`` picks a free port. Yields the base URL and the live state for direct inspection.
    """
    state = SandboxState(seed=seed)
    faults = Faults(seed=seed)
    if story if story is not None else size > 0:
        seed_from_story(state, seed, size)
    port = port or free_port(host)
    with serving(build_server(state, faults, host, port, tls), "sandbox"):
        url = f"{'https' if tls else 'http'}://{host}:{port}"
        yield RunningSandbox(url, state, faults, verify=tls.certfile if tls else True)
