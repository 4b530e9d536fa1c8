"""`kill -9` during a steady stream of batches, ten times: every acknowledged message survives."""

from __future__ import annotations

import base64
import http.client
import itertools
import random
import signal
import threading
import time

import orjson
import pytest
from fixtures.collector_process import CollectorProcess
from fixtures.live_server import free_port

pytestmark = pytest.mark.slow
TORN = b'{"type":"track","messageId":"torn-'


class Sender(threading.Thread):
    """Posts batches of 20 over keep-alive connections; remembers every messageId that got a 200."""

    def __init__(self, port: int, write_key: str) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.auth = "Basic " + base64.b64encode(f"{write_key}:".encode()).decode()
        self.acknowledged: set[str] = set()
        self.stopping = threading.Event()
        self.numbers = itertools.count()

    def run(self) -> None:
        connection = None
        while not self.stopping.is_set():
            ids = [f"crash-{next(self.numbers)}" for _ in range(20)]
            batch = [{"type": "track", "userId": "u", "event": "Tick", "messageId": mid} for mid in ids]
            try:
                connection = connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request(
                    "POST", "/v1/batch", orjson.dumps({"batch": batch}), {"Authorization": self.auth}
                )
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    self.acknowledged.update(ids)
            except (OSError, http.client.HTTPException):
                connection = None
                time.sleep(0.01)


def test_kill_minus_nine_ten_times_loses_no_acknowledged_message(
    pipeline_home, source_key, spool_reader, tmp_path
):
    log_path = tmp_path / "collector.log"
    collector = CollectorProcess(free_port(), log_path)
    sender = Sender(collector.port, source_key)
    collector.start()
    sender.start()
    for round_number in range(10):
        time.sleep(random.uniform(0.2, 0.5))
        collector.kill(signal.SIGKILL)
        if round_number == 9:
            # Simulate a torn write: a partial, never-acknowledged line at the end of the open segment.
            [open_segment] = sorted(pipeline_home.glob("spool/events/*/*.ndjson.open"))[-1:]
            with open(open_segment, "ab") as handle:
                handle.write(TORN)
        collector.start()
    time.sleep(0.3)
    sender.stopping.set()
    sender.join(timeout=10)
    collector.kill(signal.SIGTERM)

    log = log_path.read_text()
    assert log.count("closed with") >= 10  # each restart recovered the segment the kill left open
    assert f"truncated a torn tail of {len(TORN)} bytes" in log
    assert "torn-" not in log  # the size of what was cut, never its content (it may hold an email)
    assert not list(pipeline_home.rglob("*.open"))
    spooled = [line["messageId"] for line in spool_reader.messages(pipeline_home)]
    assert len(sender.acknowledged) > 200
    missing = sender.acknowledged - set(spooled)
    assert not missing, f"{len(missing)} acknowledged messages lost"
    assert "torn-" not in "".join(spooled)
    assert source_key not in log  # the key never reaches the log
