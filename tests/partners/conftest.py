"""Partner webhook fixtures: a real collector on loopback with one source per partner, and the warehouse the
spool loads into."""

from __future__ import annotations

import base64
import http.client
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import orjson
import pytest
from fixtures.live_server import Response, free_port, read_spool_lines, start_collector

from interaction_pipeline import settings
from interaction_pipeline.collector.app import create_app
from interaction_pipeline.collector.registry import create_source
from interaction_pipeline.collector.webhooks.partners import PARTNERS
from interaction_pipeline.warehouse.spool_loader import load_spool

SOURCE_NAMES = {kind: f"{kind}-prod" for kind in PARTNERS}


@dataclass
class WebhookCollector:
    """The collector app served by uvicorn in a thread, with a write key per partner source."""

    home: Path
    keys: dict[str, str]
    port: int = 0
    server: object = None
    thread: object = None
    app: object = None
    faults: list = field(default_factory=list)

    def start(self) -> WebhookCollector:
        faults = self.faults
        self.app = create_app(fault_hook=lambda scope: faults.pop(0) if faults else None)
        self.port = free_port()
        self.server, self.thread = start_collector(self.app, self.port)
        return self

    def stop(self) -> None:
        """As SIGTERM would: finish requests, close the open segments so they load."""
        if self.thread is not None and self.thread.is_alive():
            self.server.should_exit = True
            self.thread.join(timeout=15)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def post(self, kind: str, payload, auth: str | None = "bearer", headers: dict | None = None) -> Response:
        """POST to /webhooks/<kind>, the key sent as ``auth`` says: bearer, basic, bare or path."""
        body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
        key = self.keys.get(kind, "")
        path = f"/webhooks/{kind}/{key}" if auth == "path" else f"/webhooks/{kind}"
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if auth == "bearer":
            all_headers["Authorization"] = f"Bearer {key}"
        elif auth == "basic":
            all_headers["Authorization"] = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
        elif auth == "bare":
            all_headers["Authorization"] = key
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", path, body=body, headers=all_headers)
            answer = connection.getresponse()
            return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
        finally:
            connection.close()


def make_sources() -> dict[str, str]:
    registry = settings.paths().sources_registry
    return {kind: create_source(registry, name, kind)[1] for kind, name in SOURCE_NAMES.items()}


def load_warehouse(home: Path) -> duckdb.DuckDBPyConnection:
    """Load every closed spool segment into the home's DuckDB warehouse; return an open connection."""
    connection = duckdb.connect(str(settings.paths().warehouse))
    load_spool(connection, home / "spool")
    return connection


@pytest.fixture
def webhook_collector(pipeline_home):
    collector = WebhookCollector(pipeline_home, make_sources()).start()
    yield collector
    collector.stop()


@pytest.fixture(scope="module")
def module_home(tmp_path_factory):
    """A product home shared by one test module (the collector runs once, every case checks its row)."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INTERACTION_PIPELINE_HOME", str(home))
        patch.delenv("INTERACTION_PIPELINE_WAREHOUSE", raising=False)
        yield home


def rejects(home: Path) -> list[dict]:
    return read_spool_lines(home / "spool" / "rejects", include_open=True)
