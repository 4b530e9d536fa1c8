"""The demo's partner side: batches within the API's limits, Basic auth, retries like analytics-python."""

from __future__ import annotations

import base64
import json

from werkzeug import Response

from interaction_pipeline.demo.sender import BATCH_MAX_BYTES, BATCH_MAX_MESSAGES, batches, send_events


def message(number: int, padding: int = 0) -> dict:
    return {
        "type": "track",
        "event": "Email Opened",
        "userId": f"u{number}",
        "messageId": f"m{number}",
        "properties": {"pad": "x" * padding},
    }


def test_batches_stay_below_500_messages_and_475000_bytes_per_source():
    events = [("braze", message(n, padding=2000)) for n in range(800)]
    events += [("website", message(n)) for n in range(1200)]
    grouped = list(batches(events))
    for _, items in grouped:
        assert len(items) <= BATCH_MAX_MESSAGES
        assert sum(len(item) + 1 for item in items) <= BATCH_MAX_BYTES
    assert sum(len(items) for source, items in grouped if source == "braze") == 800
    assert sorted(len(items) for source, items in grouped if source == "website") == [200, 500, 500]


def test_each_source_posts_with_its_own_write_key_and_a_sent_at(httpserver):
    seen = []

    def handler(request):
        user, _, password = base64.b64decode(request.headers["Authorization"][6:]).decode().partition(":")
        body = json.loads(request.data)
        seen.append((user, password, len(body["batch"]), body["sentAt"].endswith("Z")))
        return Response('{"success": true}', 200)

    httpserver.expect_request("/v1/batch", method="POST").respond_with_handler(handler)
    events = [("braze", message(1)), ("website", message(2)), ("braze", message(3))]
    report = send_events(
        httpserver.url_for("").rstrip("/"), {"braze": "kb", "website": "kw"}, events, senders=2
    )
    assert dict(report.sent) == {"braze": 2, "website": 1} and not report.failed
    assert sorted(seen) == [("kb", "", 2, True), ("kw", "", 1, True)]


def test_retryable_answers_are_retried_with_the_same_messages_and_final_ones_are_not(httpserver):
    answers = iter([Response("busy", 503, headers={"Retry-After": "0"}), Response('{"success": true}', 200)])
    bodies = []

    def handler(request):
        bodies.append(json.loads(request.data)["batch"])
        return next(answers)

    httpserver.expect_request("/v1/batch").respond_with_handler(handler)
    report = send_events(
        httpserver.url_for("").rstrip("/"), {"braze": "k"}, [("braze", message(1))], senders=1
    )
    assert report.retries == 1 and report.sent["braze"] == 1
    assert bodies[0] == bodies[1]

    httpserver.clear()
    httpserver.expect_request("/v1/batch").respond_with_data('{"code": "invalid_json"}', status=400)
    refused = send_events(
        httpserver.url_for("").rstrip("/"), {"braze": "k"}, [("braze", message(2))], senders=1
    )
    assert refused.failed["braze"] == 1 and refused.requests == 1 and "invalid_json" in refused.errors[0]


def test_demo_sources_are_created_once_and_reused_and_a_lost_key_is_replaced(pipeline_home):
    from interaction_pipeline.collector.registry import Registry, load_sources
    from interaction_pipeline.demo.sources import ensure_sources

    wanted = [("website", "website"), ("braze", "braze")]
    first = ensure_sources(wanted)
    assert ensure_sources(wanted) == first
    (pipeline_home / "demo" / "write_keys.json").unlink()  # the keys file is lost
    replaced = ensure_sources(wanted)
    registry_path = pipeline_home / "sources.json"
    assert [source.name for source in load_sources(registry_path)] == ["website", "braze"]
    registry = Registry(registry_path)
    assert registry.authenticate(replaced["braze"]).name == "braze"
    assert registry.authenticate(first["braze"]).name == "braze"  # rotation keeps the old key working
