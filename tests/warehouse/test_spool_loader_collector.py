"""The real collector's spool loads as the contract says: typed rows, resends once, rejects with reasons."""

from __future__ import annotations

import base64
import socket
import threading
import time
from contextlib import contextmanager

import duckdb
import pytest
import requests
import uvicorn

from interaction_pipeline import settings
from interaction_pipeline.collector.app import create_app
from interaction_pipeline.collector.config import CollectorConfig
from interaction_pipeline.collector.registry import create_source
from interaction_pipeline.warehouse.spool_loader import load_spool


@contextmanager
def running_collector():
    """The collector app on a loopback port; leaving the block stops it as SIGTERM would (segments closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(CollectorConfig.from_environment())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the collector did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.mark.slow
def test_the_collectors_spool_loads_each_message_once_with_its_rejects(pipeline_home):
    _, write_key = create_source(settings.paths().sources_registry, "braze-prod", "braze")
    auth = {"Authorization": "Basic " + base64.b64encode(f"{write_key}:".encode()).decode()}
    opened = {
        "type": "track",
        "event": "Email Opened",
        "userId": "user-1",
        "messageId": "resent-1",
        "timestamp": "2026-11-29T10:15:00.000Z",
        "sentAt": "2026-11-29T10:15:00.000Z",
        "properties": {"campaign_id": "cmp_1"},
    }
    batch = {
        "batch": [
            {"type": "identify", "userId": "user-2", "traits": {"email": "b@example.com"}},
            {"type": "track", "userId": "user-3"},  # no event: rejected on its own
        ],
        "context": {"library": {"name": "braze-currents"}},
    }
    with running_collector() as url:
        assert requests.post(f"{url}/v1/track", json=opened, headers=auth, timeout=10).status_code == 200
        # a client retry of the same message
        assert requests.post(f"{url}/v1/track", json=opened, headers=auth, timeout=10).status_code == 200
        assert requests.post(f"{url}/v1/batch", json=batch, headers=auth, timeout=10).status_code == 200
        unknown_key = {"Authorization": "Basic eDo="}
        assert (
            requests.post(f"{url}/v1/track", json=opened, headers=unknown_key, timeout=10).status_code == 401
        )

    with duckdb.connect(str(settings.paths().warehouse)) as conn:
        report = load_spool(conn, settings.paths().spool)
        messages = conn.execute(
            "select message_id, type, source_name, source_kind, context->>'$.library.name',"
            " received_at is not null from raw_events.messages order by type"
        ).fetchall()
        rejects = conn.execute("select code, source_name from raw_events.rejects order by 1").fetchall()

    assert (report.rows_loaded, report.duplicates) == (2, 1)
    assert messages[1][:4] == ("resent-1", "track", "braze-prod", "braze")
    assert messages[0][1:] == ("identify", "braze-prod", "braze", "braze-currents", True)
    assert len(rejects) == 2
    assert {source for _, source in rejects} == {"braze-prod", None}
