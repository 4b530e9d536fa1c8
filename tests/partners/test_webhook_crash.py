"""`kill -9` during a stream of Braze Currents batches, five times: every event that got a 2xx survives."""

from __future__ import annotations

import http.client
import itertools
import random
import signal
import threading
import time

import orjson
import pytest
from fixtures.collector_process import CollectorProcess
from fixtures.live_server import free_port, read_spool_lines

from interaction_pipeline import settings
from interaction_pipeline.collector.registry import create_source
from interaction_pipeline.collector.webhooks.common import message_id

pytestmark = pytest.mark.slow


class CurrentsSender(threading.Thread):
    """Posts Currents batches of 100 with the bearer token; remembers every event id that got a 2xx."""

    def __init__(self, port: int, token: str) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.acknowledged: set[str] = set()
        self.stopping = threading.Event()
        self.numbers = itertools.count()

    def batch(self) -> tuple[list[str], bytes]:
        ids = [f"crash-{next(self.numbers)}" for _ in range(100)]
        events = [
            {"event_type": "users.messages.email.Open", "id": event_id, "time": 1764583200,
             "user": {"external_user_id": "u-1", "user_id": "b-1"},
             "properties": {"campaign_id": "c-1", "email_address": "u1@example.com"}}
            for event_id in ids
        ]  # fmt: skip
        return ids, orjson.dumps({"events": events})

    def run(self) -> None:
        connection = None
        while not self.stopping.is_set():
            ids, body = self.batch()
            try:
                connection = connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("POST", "/webhooks/braze", body, self.headers)
                response = connection.getresponse()
                response.read()
                if 200 <= response.status < 300:
                    self.acknowledged.update(ids)
            except (OSError, http.client.HTTPException):
                connection = None
                time.sleep(0.01)


def test_kill_minus_nine_during_currents_batches_loses_no_acknowledged_event(pipeline_home, tmp_path):
    _, token = create_source(settings.paths().sources_registry, "braze-prod", "braze")
    collector = CollectorProcess(free_port(), tmp_path / "collector.log")
    sender = CurrentsSender(collector.port, token)
    collector.start()
    sender.start()
    for _ in range(5):
        time.sleep(random.uniform(0.2, 0.5))
        collector.kill(signal.SIGKILL)
        collector.start()
    time.sleep(0.3)
    sender.stopping.set()
    sender.join(timeout=10)
    collector.kill(signal.SIGTERM)

    assert not list(pipeline_home.rglob("*.open"))
    spooled = {line["messageId"] for line in read_spool_lines(pipeline_home / "spool" / "events")}
    acknowledged = {message_id("braze", event_id) for event_id in sender.acknowledged}
    assert len(acknowledged) >= 500
    missing = acknowledged - spooled
    assert not missing, f"{len(missing)} acknowledged events lost"
    assert token not in (tmp_path / "collector.log").read_text()
