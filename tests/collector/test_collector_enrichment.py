"""Server-side fields: clock-skew correction, batch fields, ids, timestamps at the edges of the calendar."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from interaction_pipeline.collector.enrichment import Arrival, InvalidTimestamp, enrich
from interaction_pipeline.collector.registry import Source
from interaction_pipeline.collector.timestamps import format_utc, parse

RECEIVED = datetime(2026, 11, 29, 10, 0, 0, 500_000, tzinfo=UTC)


def _arrival(batch=None, kind="braze", ip="203.0.113.9"):
    return Arrival.of(RECEIVED, format_utc(RECEIVED), Source("src", kind), ip, batch)


def test_the_timestamp_is_corrected_by_the_senders_clock_skew():
    message = {"type": "track", "userId": 42, "event": "e", "timestamp": "2026-11-29T11:00:00+01:00",
               "sentAt": "2026-11-29T10:00:10Z"}  # fmt: skip
    enriched = enrich(message, _arrival())
    assert enriched["originalTimestamp"] == "2026-11-29T10:00:00.000Z"
    assert enriched["sentAt"] == "2026-11-29T10:00:10.000Z"
    assert enriched["timestamp"] == "2026-11-29T09:59:50.500Z"  # receivedAt - 10 s
    assert enriched["receivedAt"] == "2026-11-29T10:00:00.500Z"
    assert enriched["userId"] == "42" and enriched["messageId"].startswith("api-")


def test_without_client_times_every_timestamp_is_the_receive_time():
    enriched = enrich({"type": "identify", "anonymousId": "a"}, _arrival())
    assert enriched["timestamp"] == enriched["originalTimestamp"] == enriched["receivedAt"]
    assert "sentAt" not in enriched and "context" not in enriched


def test_batch_sent_at_context_and_integrations_apply_to_each_message():
    batch = {"sentAt": "2026-11-29T10:00:01.000Z", "context": {"library": {"name": "x"}, "locale": "en"},
             "integrations": {"All": False}}  # fmt: skip
    message = {"type": "track", "userId": "u", "event": "e", "timestamp": "2026-11-29T10:00:00.000Z",
               "context": {"locale": "fr"}, "writeKey": "secret"}  # fmt: skip
    enriched = enrich(message, _arrival(batch))
    assert enriched["context"] == {"library": {"name": "x"}, "locale": "fr"}
    assert enriched["integrations"] == {"All": False}
    assert enriched["timestamp"] == "2026-11-29T09:59:59.500Z"
    assert "writeKey" not in enriched


@pytest.mark.parametrize(("kind", "context", "recorded"), [
    ("website", {}, True), ("braze", {}, False), ("server", {"direct": True}, True),
    ("website", {"ip": "198.51.100.1"}, False),
])  # fmt: skip
def test_the_client_ip_is_recorded_where_segment_records_it(kind, context, recorded):
    enriched = enrich({"type": "page", "userId": "u", "context": dict(context)}, _arrival(kind=kind))
    assert (enriched.get("context", {}).get("ip") == "203.0.113.9") is recorded


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2026-13-01"])
def test_timestamps_outside_the_calendar_are_invalid_not_errors(value):
    assert parse(value) is None
    message = {"type": "track", "userId": "u", "event": "e", "timestamp": value}
    with pytest.raises(InvalidTimestamp, match="timestamp must be an ISO-8601"):
        enrich(message, _arrival())
    assert message == {"type": "track", "userId": "u", "event": "e", "timestamp": value}  # untouched


def test_extreme_but_valid_times_do_not_overflow_the_correction():
    message = {"type": "track", "userId": "u", "event": "e", "timestamp": "0001-01-01T00:00:00Z",
               "sentAt": "9999-12-31T00:00:00Z"}  # fmt: skip
    enriched = enrich(message, _arrival())
    assert enriched["timestamp"] == "0001-01-01T00:00:00.000Z"
