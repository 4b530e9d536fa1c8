"""Collector fixtures: a registered source, a real uvicorn server on loopback, and spool readers."""

from __future__ import annotations

import http.client
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest
from fixtures.live_server import Response, free_port, read_spool_lines, start_collector

from interaction_pipeline import settings
from interaction_pipeline.collector.app import create_app
from interaction_pipeline.collector.config import CollectorConfig
from interaction_pipeline.collector.connections import ConnectionLimits
from interaction_pipeline.collector.registry import create_source


def read_spooled_messages(home: Path, include_open: bool = False) -> list[dict]:
    return read_spool_lines(home / "spool" / "events", include_open)


def read_spooled_rejects(home: Path, include_open: bool = False) -> list[dict]:
    return read_spool_lines(home / "spool" / "rejects", include_open)


@dataclass
class LiveCollector:
    """A collector app served by uvicorn in a thread, with its source's write key."""

    home: Path
    port: int
    write_key: str
    app: object
    faults: list = field(default_factory=list)
    server: object = None
    thread: object = None

    def stop(self) -> None:
        """Stop as SIGTERM would: finish requests, run the lifespan shutdown."""
        if self.thread is not None and self.thread.is_alive():
            self.server.should_exit = True
            self.thread.join(timeout=15)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def state(self):
        return self.app.state.collector

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Response(
                response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
            )
        finally:
            connection.close()

    def post(self, path: str, payload, headers: dict | None = None, auth: bool = True) -> Response:
        body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if auth:
            all_headers.setdefault("Authorization", basic(self.write_key))
        return self.request("POST", path, body, all_headers)


def basic(write_key: str, colon: bool = True) -> str:
    import base64

    credential = f"{write_key}:" if colon else write_key
    return "Basic " + base64.b64encode(credential.encode()).decode()


def _fault_hook(faults: list):
    """Answers the next queued (status, headers) before anything is written; empty list = no fault."""

    def hook(scope):
        return faults.pop(0) if faults else None

    return hook


@pytest.fixture
def source_key(pipeline_home) -> str:
    _, write_key = create_source(settings.paths().sources_registry, "braze-test", "braze")
    return write_key


@pytest.fixture
def collector_config(pipeline_home) -> CollectorConfig:
    return CollectorConfig.from_environment()


@pytest.fixture
def connection_limits() -> ConnectionLimits:
    """The collector's connection limits; a test module overrides this fixture to shorten them."""
    return ConnectionLimits()


@pytest.fixture
def live_collector(pipeline_home, source_key, collector_config, connection_limits):
    faults: list = []
    app = create_app(collector_config, fault_hook=_fault_hook(faults))
    port = free_port()
    server, thread = start_collector(app, port, connection_limits)
    collector = LiveCollector(pipeline_home, port, source_key, app, faults, server, thread)
    yield collector
    collector.stop()


@pytest.fixture
def spool_reader():
    """Functions reading the spool: messages(home) and rejects(home)."""

    class Reader:
        messages = staticmethod(read_spooled_messages)
        rejects = staticmethod(read_spooled_rejects)

    return Reader


@pytest.fixture
def http_basic():
    return basic
