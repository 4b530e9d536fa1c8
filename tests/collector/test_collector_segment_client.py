"""The official Segment Python library, pointed at a live collector on loopback, works unchanged."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from segment.analytics.client import Client

pytestmark = pytest.mark.slow


def _flushed(client: Client, timeout: float = 60) -> None:
    done = threading.Thread(target=client.flush, daemon=True)
    done.start()
    done.join(timeout)
    assert not done.is_alive(), "the client did not deliver its queue in time"
    client.join()


def _send_calls(client: Client, count: int) -> list[dict]:
    sent = []
    historical = datetime(2026, 1, 15, 8, 30, tzinfo=UTC)
    for number in range(count):
        sent.append(
            client.track(f"user-{number}", "Email Opened", {"campaign_id": "c-1"}, timestamp=historical)[1]
        )
        sent.append(client.identify(f"user-{number}", {"email": f"u{number}@example.com"})[1])
        sent.append(client.page(f"user-{number}", "Docs", "Getting started")[1])
    return sent


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


@pytest.mark.parametrize("use_gzip", [False, True], ids=["plain", "gzip"])
def test_track_identify_and_page_arrive_once_with_the_corrected_timestamp(
    live_collector, spool_reader, use_gzip
):
    errors = []
    client = Client(
        live_collector.write_key,
        host=live_collector.url,
        gzip=use_gzip,
        upload_interval=0.05,
        upload_size=25,
        on_error=lambda error, batch: errors.append(error),
    )
    sent = _send_calls(client, 20)
    _flushed(client)
    assert errors == []
    live_collector.stop()
    lines = spool_reader.messages(live_collector.home)
    by_id = {line["messageId"]: line for line in lines}
    assert Counter(line["messageId"] for line in lines) == Counter(message["messageId"] for message in sent)
    for message in sent:
        line = by_id[message["messageId"]]
        assert line["type"] == message["type"]
        assert line["context"]["library"]["name"] == "analytics-python"
        original = _parse(line["originalTimestamp"])
        assert abs(original - _parse(message["timestamp"])) < timedelta(milliseconds=1)
        skew = _parse(line["sentAt"]) - original
        expected = _parse(line["receivedAt"]) - skew
        assert abs(_parse(line["timestamp"]) - expected) <= timedelta(milliseconds=2)
    track = by_id[sent[0]["messageId"]]
    # A historical import keeps its time: corrected timestamp is within the request's latency of it.
    assert abs(_parse(track["timestamp"]) - datetime(2026, 1, 15, 8, 30, tzinfo=UTC)) < timedelta(seconds=5)


def test_after_injected_503_and_429_every_message_lands_once_after_dedupe(live_collector, spool_reader):
    live_collector.faults.extend(
        [
            (503, [(b"retry-after", b"1")]),
            (429, [(b"retry-after", b"1")]),
            (500, []),
            (503, [(b"retry-after", b"1")]),
        ]
    )
    errors = []
    client = Client(
        live_collector.write_key,
        host=live_collector.url,
        upload_interval=0.05,
        upload_size=10,
        on_error=lambda error, batch: errors.append(error),
    )
    sent = _send_calls(client, 10)
    _flushed(client)
    assert errors == []
    assert live_collector.faults == []  # every injected fault was served (and happened before any write)
    live_collector.stop()
    spooled = Counter(line["messageId"] for line in spool_reader.messages(live_collector.home))
    assert set(spooled) == {message["messageId"] for message in sent}
    # Faults answer before writing, so here nothing is even duplicated; the warehouse dedupes either way.
    assert max(spooled.values()) == 1
