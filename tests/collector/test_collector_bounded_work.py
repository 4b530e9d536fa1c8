"""A request can only cost the collector a bounded amount of disk and memory, whatever its body."""

from __future__ import annotations

import dataclasses
import gzip
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson
import pytest

from interaction_pipeline.collector.json_shape import MAX_CONTAINERS, SCANNED_ABOVE, ShapeError, check_shape
from interaction_pipeline.collector.rejects import MAX_RAW_BYTES

BUDGET = {
    "rejects_client_rate": 8 * 1024,
    "rejects_client_burst": 128 * 1024,
    "rejects_source_rate": 32 * 1024,
    "rejects_source_burst": 256 * 1024,
}


@pytest.fixture
def collector_config(collector_config):
    return dataclasses.replace(collector_config, **BUDGET)


def _rejects_bytes(home: Path) -> int:
    return sum(path.stat().st_size for path in (home / "spool" / "rejects").glob("*/*.ndjson*"))


def _gzip_post(live_collector, body: bytes, auth: bool = False):
    headers = {"Content-Encoding": "gzip"}
    return live_collector.post("/v1/batch", gzip.compress(body, 9), headers, auth=auth)


def test_a_small_gzip_body_of_control_characters_writes_almost_nothing(live_collector):
    """432 bytes of gzip inflating to control characters used to write about 393 KB of escapes."""
    compressed = gzip.compress(b"\x01" * 480_000, 9)
    assert len(compressed) < 1024
    response = live_collector.post("/v1/batch", compressed, {"Content-Encoding": "gzip"}, auth=False)
    assert response.status == 400
    assert _rejects_bytes(live_collector.home) < 1024


def test_a_stored_body_is_capped_after_json_escaping(live_collector, spool_reader):
    """Quotes double once in the stored JSON and again in the record: the cap counts the record's bytes."""
    body = orjson.dumps({"batch": "not a list", "notes": ['"' * 4000] * 50})
    response = live_collector.post("/v1/batch", body)
    assert response.status == 400 and response.json()["code"] == "invalid_batch"
    [reject] = spool_reader.rejects(live_collector.home, include_open=True)
    assert reject["rawEncoding"] == "json_truncated"
    assert MAX_RAW_BYTES - 64 <= len(orjson.dumps(reject["raw"])) <= MAX_RAW_BYTES
    assert _rejects_bytes(live_collector.home) < MAX_RAW_BYTES + 1024


def test_a_flood_of_refused_requests_stays_within_the_rejects_budget(live_collector):
    """Fifty refused requests with no key in a second used to write 20 MB of rejects."""
    body = orjson.dumps({"batch": [{"note": "\u0001" * 10_000}] * 7})  # 420 KB of escapes, refused (401)
    assert 400_000 < len(body) < 500_000
    started = time.monotonic()
    answers = [_gzip_post(live_collector, body).status for _ in range(50)]
    elapsed = time.monotonic() - started
    assert set(answers) == {401}
    allowed = BUDGET["rejects_client_burst"] + BUDGET["rejects_client_rate"] * elapsed
    assert _rejects_bytes(live_collector.home) <= allowed + 2 * 1024
    health = live_collector.request("GET", "/health").json()["rejects"]
    assert health["stored"] >= 1 and health["stored_without_body"] + health["not_stored"] >= 40
    assert sum(health[key] for key in ("stored", "stored_without_body", "not_stored")) == 50


def test_rejects_from_one_source_are_counted_in_the_debugger(live_collector):
    bad = {"batch": [{"type": "track", "event": "no ids", "properties": {"p": "x" * 20_000}}] * 20}
    for _ in range(5):
        assert live_collector.post("/v1/batch", bad).status == 200
    [source] = live_collector.request("GET", "/debugger/api/sources").json()["sources"]
    records = source["reject_records"]
    assert source["rejected"] == 100 and sum(records.values()) == 100
    assert records["stored_without_body"] + records["not_stored"] > 0


def test_a_batch_of_empty_objects_is_refused_before_it_is_parsed(live_collector):
    body = b'{"batch": [' + b"{}," * 160_000 + b"{}]}"
    compressed = gzip.compress(body, 9)
    assert len(compressed) < 2048
    response = live_collector.post("/v1/batch", compressed, {"Content-Encoding": "gzip"})
    assert response.status == 400 and response.json()["code"] == "too_many_values"


def test_concurrent_large_bodies_do_not_hold_their_parsed_objects_together(live_collector):
    """Sixteen batches just under the caps at once: each is parsed, refused and freed before the next is
    parsed, so the peak is a few bodies' worth, not sixteen."""
    body = gzip.compress(b'{"batch": [' + b"{}," * (MAX_CONTAINERS - 100) + b"{}]}", 9)
    headers = {"Content-Encoding": "gzip"}
    one_body_peak = _peak_bytes(lambda: live_collector.post("/v1/batch", body, headers))
    peak = _peak_bytes(
        lambda: list(
            ThreadPoolExecutor(16).map(lambda _: live_collector.post("/v1/batch", body, headers), range(16))
        )
    )
    assert peak < 2 * one_body_peak


def _peak_bytes(action) -> int:
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        action()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def _padded(value: bytes) -> bytes:
    """A body over the size below which bodies are bounded by their size and not scanned."""
    return b'{"pad": "' + b"x" * SCANNED_ABOVE + b'", "value": ' + value + b"}"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (_padded(b"[" * 257 + b"]" * 257), "too_deeply_nested"),
        (_padded(b"[{}, " * 300 + b"1" + b"]" * 300), "too_deeply_nested"),
        (b"[" + b"[]," * (MAX_CONTAINERS + 1) + b"[]]", "too_many_values"),
        (b"[" + b"0," * 300_000 + b"0]", "too_many_values"),
    ],
    ids=["deep arrays", "deep mixed", "many containers", "many values"],
)
def test_the_shape_check_refuses_what_would_be_expensive_to_build(body, code):
    with pytest.raises(ShapeError) as refused:
        check_shape(body)
    assert refused.value.code == code


def test_the_shape_check_lets_real_batches_and_brackets_in_strings_through():
    properties = {
        "products": [{"sku": f"s-{n}", "tags": ["a", "b"]} for n in range(50)],
        "note": "[[[[[[[[[[ {{{{{ text, with: punctuation",
    }
    context = {"page": {"url": "https://shop.example/?a=1"}, "library": {"name": "analytics.js"}}
    message = {"type": "track", "userId": "u", "event": "Order Completed", "properties": properties}
    message["context"] = context
    check_shape(orjson.dumps({"batch": [message] * 100}))
    check_shape(_padded(b"[" * 250 + b"]" * 250))


def test_the_per_client_budgets_stay_bounded_under_a_flood_from_many_addresses(monkeypatch):
    from interaction_pipeline.collector import reject_budget

    monkeypatch.setattr(reject_budget, "MAX_CLIENTS", 100)
    now = [0.0]
    buckets = reject_budget.TokenBuckets(rate=100, burst=1000, clock=lambda: now[0])
    for number in range(500):
        bucket, _ = buckets.available(f"10.0.{number // 256}.{number % 256}")
        bucket.tokens -= 1000  # each address spends its whole burst
    assert len(buckets.buckets) == 101 and buckets.buckets[reject_budget.OVERFLOW].tokens < 0
    now[0] = 20.0  # long enough for every bucket to refill: they are forgotten
    buckets.available("192.0.2.1")
    assert list(buckets.buckets) == ["192.0.2.1"]
