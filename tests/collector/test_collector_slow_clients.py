"""Clients that hold connections without finishing a request, or send endless headers, against a real
collector on loopback with short deadlines and a small connection cap."""

from __future__ import annotations

import contextlib
import socket
import time

import orjson
import pytest

from interaction_pipeline.collector.connections import ConnectionLimits

CAP = 12
LIMITS = ConnectionLimits(
    header_timeout=0.6, body_timeout=0.6, max_header_bytes=8 * 1024, max_connections=CAP
)
TRACK = orjson.dumps({"userId": "u-1", "event": "Email Opened"})


@pytest.fixture
def connection_limits() -> ConnectionLimits:
    return LIMITS


def _connect(port: int) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection


def _read_until_closed(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a reset counts as closed)."""
    received = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := connection.recv(65536):
            received += chunk
    return received


def _wait_for(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.05)


def _open_connections(live_collector) -> int:
    return len(live_collector.server.server_state.connections)


def test_idle_and_half_sent_connections_are_closed_so_other_clients_get_through(live_collector):
    silent = [_connect(live_collector.port) for _ in range(CAP // 2)]
    half_head = [_connect(live_collector.port) for _ in range(CAP - len(silent))]
    for connection in half_head:
        connection.sendall(b"POST /v1/track HTTP/1.1\r\nHost: collector\r\nContent-Ty")
    _wait_for(lambda: _open_connections(live_collector) >= CAP)

    refused = live_collector.post("/v1/track", TRACK)
    assert refused.status == 503 and refused.headers["retry-after"] == "2"
    assert refused.json()["code"] == "unavailable"

    assert all(_read_until_closed(connection) == b"" for connection in silent)
    for connection in half_head:
        answer = _read_until_closed(connection)
        assert answer.startswith(b"HTTP/1.1 408 ") and b'"request_timeout"' in answer
    assert live_collector.post("/v1/track", TRACK).status == 200


def _head(authorization: str, extra: str = "") -> bytes:
    return (
        f"POST /v1/track HTTP/1.1\r\nHost: collector\r\nContent-Type: application/json\r\n{extra}"
        f"Authorization: {authorization}\r\nContent-Length: {len(TRACK)}\r\n\r\n"
    ).encode()


def test_a_body_sent_too_slowly_is_cut_off_with_408_and_nothing_is_stored(
    live_collector, spool_reader, http_basic
):
    connection = _connect(live_collector.port)
    connection.sendall(_head(http_basic(live_collector.write_key)) + TRACK[:5])
    started = time.monotonic()
    answer = _read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 408 ") and b"request body" in answer
    assert time.monotonic() - started < 5
    live_collector.stop()
    assert spool_reader.messages(live_collector.home) == []


def test_a_kept_alive_connection_that_starts_a_request_and_stalls_is_closed(live_collector, http_basic):
    connection = _connect(live_collector.port)
    connection.sendall(_head(http_basic(live_collector.write_key)) + TRACK)
    first = connection.recv(65536)
    assert first.startswith(b"HTTP/1.1 200 ")
    connection.sendall(b"POST /v1/track HTTP/1.1\r\nHost: coll")  # a second request that never ends
    assert _read_until_closed(connection).startswith(b"HTTP/1.1 408 ")


def test_a_header_over_the_cap_is_refused_with_431(live_collector):
    connection = _connect(live_collector.port)
    head = b"POST /v1/track HTTP/1.1\r\nHost: collector\r\nX-Filler: " + b"a" * 20_000 + b"\r\n\r\n"
    connection.sendall(head)
    answer = _read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 431 ") and b'"headers_too_large"' in answer


def test_many_small_headers_over_the_cap_are_refused_too(live_collector):
    connection = _connect(live_collector.port)
    headers = b"".join(b"X-H%d: v\r\n" % number for number in range(2_000))
    connection.sendall(b"GET /health HTTP/1.1\r\nHost: collector\r\n" + headers + b"\r\n")
    assert _read_until_closed(connection).startswith(b"HTTP/1.1 431 ")


def test_an_endless_header_is_cut_off_long_before_it_ends(live_collector):
    """40 MB of one unfinished header: the collector stops reading after the cap and a read or so."""
    connection = _connect(live_collector.port)
    connection.sendall(b"POST /v1/track HTTP/1.1\r\nHost: collector\r\nX-Endless: ")
    piece, sent = b"a" * 65536, 0
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        while sent < 40 * 1024 * 1024:
            sent += connection.send(piece)
    assert sent < 40 * 1024 * 1024
    assert _open_connections(live_collector) <= 1  # only the closing one, if the server has not reaped it


def test_a_pipelined_request_with_an_endless_header_is_cut_off_too(live_collector, http_basic):
    connection = _connect(live_collector.port)
    first = _head(http_basic(live_collector.write_key)) + TRACK
    connection.sendall(first + b"POST /v1/track HTTP/1.1\r\nHost: collector\r\nX-Endless: ")
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        for _ in range(8):
            connection.sendall(b"a" * 4096)
            time.sleep(0.02)
    answers = _read_until_closed(connection)
    assert answers.startswith(b"HTTP/1.1 200 ") and b"HTTP/1.1 431 " in answers


def test_a_complete_head_within_the_cap_is_served_even_when_it_arrives_in_pieces(live_collector, http_basic):
    connection = _connect(live_collector.port)
    extra = f"X-Filler: {'b' * 6000}\r\nConnection: close\r\n"
    request = _head(http_basic(live_collector.write_key), extra) + TRACK
    for start in range(0, len(request), 1000):
        connection.sendall(request[start : start + 1000])
        time.sleep(0.02)
    assert _read_until_closed(connection).startswith(b"HTTP/1.1 200 ")
