"""Bad input gets the right status and a message naming the problem, is recorded as a reject, and the
server keeps serving."""

from __future__ import annotations

import gzip
import zlib

import orjson
import pytest

from interaction_pipeline.collector.config import MAX_MESSAGE_BYTES, MAX_REQUEST_BYTES

BIG = "x" * (MAX_MESSAGE_BYTES + 10)
DEEP = b'{"userId": "u", "event": "e", "properties": {"a": ' + b"[" * 300 + b"]" * 300 + b"}}"


def _batch(count: int, size: int = 10) -> bytes:
    message = {"type": "track", "userId": "u", "event": "e", "properties": {"p": "y" * size}}
    return orjson.dumps({"batch": [message] * count})


CASES = [
    # (id, path, body, extra headers, status, code, words in the message)
    ("malformed json", "/v1/track", b'{"userId": "u", ', {}, 400, "invalid_json", "not valid JSON"),
    ("json array", "/v1/track", b"[1, 2]", {}, 400, "invalid_json", "JSON object"),
    ("invalid utf-8", "/v1/track", b'{"userId": "\xff\xfe"}', {}, 400, "invalid_utf8", "UTF-8"),
    ("wrong types", "/v1/track", b'{"userId": "u", "event": 5}', {}, 400, "missing_event", "event"),
    ("properties not object", "/v1/track", b'{"userId": "u", "event": "e", "properties": [1]}', {}, 400,
     "invalid_field", "properties"),
    ("bad timestamp", "/v1/track", b'{"userId": "u", "event": "e", "timestamp": "yesterday"}', {}, 400,
     "invalid_timestamp", "ISO-8601"),
    ("missing ids", "/v1/identify", b'{"traits": {}}', {}, 400, "no_user_anon_id", "userId or anonymousId"),
    ("nested too deeply", "/v1/track", DEEP, {}, 400, "too_deeply_nested", "nested"),
    ("batch not a list", "/v1/batch", b'{"batch": {}}', {}, 400, "invalid_batch", "batch"),
    ("oversize message", "/v1/track", orjson.dumps({"userId": "u", "event": BIG}), {}, 413,
     "request_too_large", "32 KB"),
    ("oversize request", "/v1/batch", _batch(1, MAX_REQUEST_BYTES), {}, 413, "request_too_large", "500 KB"),
    ("oversize batch", "/v1/batch", _batch(2501), {}, 400, "batch_too_large", "2,500"),
    ("gzip bomb", "/v1/batch", gzip.compress(b'{"batch": ["' + b"0" * 50_000_000 + b'"]}'),
     {"Content-Encoding": "gzip"}, 413, "request_too_large", "500 KB"),
    ("corrupt gzip", "/v1/batch", b"\x1f\x8bnot really gzip", {"Content-Encoding": "gzip"}, 400,
     "invalid_gzip", "gzip"),
    ("unknown encoding", "/v1/batch", b"{}", {"Content-Encoding": "br"}, 415, "unsupported_encoding", "gzip"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "code", "words"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_is_refused_and_recorded(
    live_collector, spool_reader, path, body, headers, status, code, words
):
    response = live_collector.post(path, body, headers)
    assert response.status == status, response.body
    assert response.json()["code"] == code
    assert words in response.json()["message"]
    [reject] = spool_reader.rejects(live_collector.home, include_open=True)
    assert reject["code"] == code and reject["path"] == path
    assert reject["_source"] == {"name": "braze-test", "kind": "braze"}
    assert reject["rawEncoding"] in ("json", "json_truncated", "omitted")
    assert len(orjson.dumps(reject["raw"])) <= 64 * 1024
    assert spool_reader.messages(live_collector.home, include_open=True) == []
    assert live_collector.request("GET", "/health").status == 200


def test_a_lying_content_length_does_not_lift_the_limit(live_collector):
    """The limit counts streamed bytes: a chunked body with no Content-Length is still capped."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", live_collector.port, timeout=10)
    chunks = iter([b'{"userId": "u", "event": "', b"y" * MAX_MESSAGE_BYTES, b'"}'])
    connection.request("POST", "/v1/track", body=chunks, headers={"Authorization": _auth(live_collector)},
                       encode_chunked=True)  # fmt: skip
    response = connection.getresponse()
    assert response.status == 413
    assert b"32 KB" in response.read()


def _auth(live_collector) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{live_collector.write_key}:".encode()).decode()


def test_the_gzip_bomb_is_refused_without_inflating_it(live_collector):
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = bomb.compress(b"\0" * 200_000_000) + bomb.flush()
    assert len(body) < MAX_REQUEST_BYTES
    response = live_collector.post("/v1/batch", body, {"Content-Encoding": "gzip"})
    assert response.status == 413
    assert "decompressed" in response.json()["message"]


@pytest.mark.parametrize(
    ("headers", "payload", "code"),
    [
        ({}, {"userId": "u", "event": "e"}, "missing_write_key"),
        ({"Authorization": "Basic bm90LWEta2V5Og=="}, {"userId": "u", "event": "e"}, "invalid_write_key"),
        ({}, {"writeKey": "not-a-key", "userId": "u", "event": "e"}, "invalid_write_key"),
        ({"Authorization": "Bearer some-token"}, {"userId": "u", "event": "e"}, "missing_write_key"),
    ],
    ids=["missing", "unknown basic", "unknown in body", "bearer without body key"],
)
def test_a_missing_or_unknown_key_gets_401(live_collector, spool_reader, headers, payload, code):
    response = live_collector.post("/v1/track", payload, headers, auth=False)
    assert response.status == 401
    assert response.json()["code"] == code
    [reject] = spool_reader.rejects(live_collector.home, include_open=True)
    assert reject["code"] == code and reject["_source"] is None
    assert "not-a-key" not in reject["raw"]  # a presented key is never stored, even a wrong one


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/track", 405),
        ("PUT", "/v1/batch", 405),
        ("POST", "/v2/track", 404),
        ("POST", "/v1/nope", 404),
    ],
)
def test_wrong_method_or_path(live_collector, method, path, status):
    response = live_collector.request(method, path, b"{}", {"Authorization": _auth(live_collector)})
    assert response.status == status
    assert response.json()["code"] in ("method_not_allowed", "not_found")
    assert live_collector.request("GET", "/health").status == 200


def test_wrong_types_inside_a_batch_are_rejected_one_by_one(live_collector, spool_reader):
    batch = [
        {"type": ["track"], "userId": "u"},
        {"type": {"t": 1}, "userId": "u"},
        {"type": "track", "userId": ["u"], "event": "e"},
        {"type": "track", "userId": "u", "event": "e", "messageId": {"id": 1}},
        {"type": "identify", "userId": True},
        {"type": "track", "userId": "u", "event": "e", "sentAt": 5},
        {"type": "track", "userId": "u", "event": "e"},
    ]
    response = live_collector.post("/v1/batch", {"batch": batch})
    assert response.status == 200
    assert [error["code"] for error in response.json()["errors"]] == [
        "invalid_type", "invalid_type", "invalid_id", "invalid_message_id", "invalid_id", "invalid_timestamp",
    ]  # fmt: skip
    assert len(spool_reader.messages(live_collector.home, include_open=True)) == 1
    assert len(spool_reader.rejects(live_collector.home, include_open=True)) == 6


def test_an_oversize_message_inside_a_batch_is_rejected_alone(live_collector, spool_reader):
    batch = [
        {"type": "track", "userId": "u", "event": "Big", "properties": {"blob": "x" * MAX_MESSAGE_BYTES}},
        {"type": "track", "userId": "u", "event": "Small"},
    ]
    response = live_collector.post("/v1/batch", {"batch": batch})
    assert response.status == 200
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (1, 1)
    assert body["errors"][0]["code"] == "message_too_large" and "32 KB" in body["errors"][0]["message"]
    [line] = spool_reader.messages(live_collector.home, include_open=True)
    assert line["event"] == "Small"
