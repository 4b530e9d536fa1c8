"""The Tracking API accepts Segment calls, enriches them and answers only once they are on disk."""

from __future__ import annotations

import gzip

import pytest


def test_a_track_call_is_spooled_with_the_corrected_timestamp(live_collector, spool_reader):
    payload = {
        "userId": "u-1",
        "event": "Email Opened",
        "timestamp": "2026-11-29T10:00:00.000Z",
        "sentAt": "2026-11-29T10:00:05.000Z",
        "properties": {"campaign_id": "c-1"},
    }
    response = live_collector.post("/v1/track", payload)
    assert response.status == 200, response.body
    assert response.json() == {"success": True}
    # Acknowledged means written: the line is in the open segment already.
    [line] = spool_reader.messages(live_collector.home, include_open=True)
    assert line["type"] == "track" and line["event"] == "Email Opened"
    assert line["originalTimestamp"] == "2026-11-29T10:00:00.000Z"
    assert line["sentAt"] == "2026-11-29T10:00:05.000Z"
    assert line["_source"] == {"name": "braze-test", "kind": "braze"}
    assert line["messageId"].startswith("api-")
    from datetime import datetime, timedelta

    received = datetime.fromisoformat(line["receivedAt"])
    assert datetime.fromisoformat(line["timestamp"]) == received - timedelta(seconds=5)


@pytest.mark.parametrize("path", ["/v1/track", "/v1/t"])
def test_short_and_long_paths_accept_track(live_collector, path):
    assert live_collector.post(path, {"anonymousId": "a", "event": "Viewed"}).status == 200


@pytest.mark.parametrize(
    ("path", "payload", "expected_type"),
    [
        ("/v1/i", {"userId": "u", "traits": {"email": "a@example.com"}}, "identify"),
        ("/v1/p", {"userId": "u", "name": "Home"}, "page"),
        ("/v1/s", {"userId": "u", "name": "Inbox"}, "screen"),
        ("/v1/g", {"userId": "u", "groupId": "acme"}, "group"),
        ("/v1/a", {"userId": "u", "previousId": "anon-1"}, "alias"),
        ("/v1/identify", {"userId": "u"}, "identify"),
    ],
)
def test_every_call_type_takes_its_type_from_the_path(
    live_collector, spool_reader, path, payload, expected_type
):
    assert live_collector.post(path, {**payload, "type": "track"}).status == 200
    [line] = spool_reader.messages(live_collector.home, include_open=True)
    assert line["type"] == expected_type


def test_a_batch_merges_batch_context_and_rejects_invalid_messages_individually(live_collector, spool_reader):
    payload = {
        "batch": [
            {
                "type": "track",
                "userId": "u",
                "event": "Email Sent",
                "messageId": "m-1",
                "context": {"locale": "fr"},
            },
            {"type": "track", "userId": "u"},
            {"type": "identify", "anonymousId": "a", "messageId": "m-2"},
            {"type": "group", "userId": "u"},
            {"type": "alias", "userId": "u"},
            {"type": "track", "userId": "u", "event": "x", "messageId": "m" * 101},
            {"type": "unknown", "userId": "u"},
            "not an object",
        ],
        "context": {"library": {"name": "partner"}, "locale": "en"},
        "integrations": {"All": True},
    }
    response = live_collector.post("/v1/batch", payload)
    assert response.status == 200
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (2, 6)
    assert [error["code"] for error in body["errors"]] == [
        "missing_event",
        "missing_group_id",
        "missing_previous_id",
        "invalid_message_id",
        "invalid_type",
        "invalid_message",
    ]
    lines = spool_reader.messages(live_collector.home, include_open=True)
    assert [line["messageId"] for line in lines] == ["m-1", "m-2"]
    assert lines[0]["context"] == {"library": {"name": "partner"}, "locale": "fr"}
    assert lines[1]["integrations"] == {"All": True}
    rejects = spool_reader.rejects(live_collector.home, include_open=True)
    assert len(rejects) == 6
    assert rejects[0]["_source"] == {"name": "braze-test", "kind": "braze"}
    assert rejects[0]["code"] == "missing_event" and '"type":"track"' in rejects[0]["raw"]


def test_a_gzip_batch_is_accepted(live_collector, spool_reader):
    body = gzip.compress(b'{"batch": [{"type": "track", "userId": "u", "event": "Zipped"}]}')
    response = live_collector.post("/v1/batch", body, {"Content-Encoding": "gzip"})
    assert response.status == 200 and response.json()["accepted"] == 1
    assert spool_reader.messages(live_collector.home, include_open=True)[0]["event"] == "Zipped"


def test_the_write_key_may_come_in_the_body_or_basic_auth_without_colon(
    live_collector, spool_reader, http_basic
):
    key = live_collector.write_key
    in_body = live_collector.post("/v1/track", {"writeKey": key, "userId": "u", "event": "A"}, auth=False)
    no_colon = live_collector.post(
        "/v1/track", {"userId": "u", "event": "B"}, {"Authorization": http_basic(key, colon=False)}
    )
    assert (in_body.status, no_colon.status) == (200, 200)
    lines = spool_reader.messages(live_collector.home, include_open=True)
    assert all("writeKey" not in line for line in lines)
    assert key.encode() not in b"".join(p.read_bytes() for p in live_collector.home.rglob("*.ndjson*"))


def test_client_ip_is_recorded_only_for_direct_or_client_side_calls(live_collector, spool_reader):
    live_collector.post("/v1/track", {"userId": "u", "event": "Server side"})
    live_collector.post("/v1/track", {"userId": "u", "event": "Direct", "context": {"direct": True}})
    server_side, direct = spool_reader.messages(live_collector.home, include_open=True)
    assert "ip" not in server_side.get("context", {})
    assert direct["context"]["ip"] == "127.0.0.1"


def test_graceful_stop_closes_the_open_segment(live_collector, spool_reader):
    assert live_collector.post("/v1/track", {"userId": "u", "event": "Before stop"}).status == 200
    assert spool_reader.messages(live_collector.home) == []  # still in the open segment
    live_collector.stop()
    assert [line["event"] for line in spool_reader.messages(live_collector.home)] == ["Before stop"]
    assert not list(live_collector.home.rglob("*.open"))


def test_health_answers(live_collector):
    response = live_collector.request("GET", "/health")
    assert response.status == 200 and response.json()["status"] == "ok"


def test_numeric_ids_are_kept_exactly_as_text(live_collector, spool_reader):
    """orjson reads integers beyond 64 bits as floats; the ids must keep every digit that was sent."""
    single = b'{"userId": 123456789012345678901234, "event": "e", "messageId": 1.50}'
    assert live_collector.post("/v1/track", single).status == 200
    batch = (
        b'{"batch": [{"type": "identify", "userId": 42, "messageId": "m-1"},'
        b' {"type": "group", "userId": -9223372036854775809, "groupId": 18446744073709551616,'
        b' "messageId": "m-2"}]}'
    )
    assert live_collector.post("/v1/batch", batch).json()["accepted"] == 2
    live_collector.stop()
    lines = spool_reader.messages(live_collector.home)
    assert (lines[0]["userId"], lines[0]["messageId"]) == ("123456789012345678901234", "1.50")
    assert lines[1]["userId"] == "42"
    assert (lines[2]["userId"], lines[2]["groupId"]) == ("-9223372036854775809", "18446744073709551616")
