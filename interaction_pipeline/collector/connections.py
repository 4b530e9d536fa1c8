"""The collector's HTTP/1.1 connections: uvicorn's httptools protocol with deadlines and a size cap.

uvicorn gives a request no deadline until its first response: a client that connects and sends nothing, or
half a request head, or a body one byte at a time, holds its connection for as long as it likes, and at the
connection cap everyone else is refused. Nor does it bound the request head, which httptools accumulates in
memory. This protocol adds what a public endpoint needs:

- a deadline for the request head, from the connection (or the request's first byte) to the blank line;
- a deadline for the body, from the end of the head to the last byte;
- a cap on the head's size (request line plus headers), answered ``431``;
- a connection cap answered ``503`` with ``Retry-After``, as the collector answers when the spool is behind.

Deadlines are checked by one timer per server that sweeps the open connections a few times per deadline,
so a request costs two float stores instead of two timer handles.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httptools
import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Where a connection is: what the collector waits for next, and so which deadline applies.
IDLE, HEAD, BODY, RESPONDING = "idle", "head", "body", "responding"


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_header_bytes: int = 32 * 1024
    max_connections: int = 1000
    retry_after_seconds: int = 2

    @property
    def sweep_interval(self) -> float:
        return min(1.0, self.header_timeout / 4, self.body_timeout / 4)


def _answer(status: int, phrase: bytes, code: str, message: str) -> bytes:
    """A complete response written straight to the transport, for requests that never reach the app."""
    body = orjson.dumps({"success": False, "code": code, "message": message})
    head = (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
    )
    return head % (status, phrase, len(body)) + body


class _HeadTooLarge(Exception):
    """Raised from a parser callback to stop parsing a head over the cap."""


def _overloaded_app(retry_after: int):
    body = orjson.dumps(
        {"success": False, "code": "unavailable", "message": "too many connections; retry later"}
    )
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()),
        (b"connection", b"close"),
    ]

    async def overloaded(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return overloaded


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """Set ``limits`` on a subclass (:func:`protocol_class`); uvicorn creates one instance per connection."""

    limits = ConnectionLimits()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.guarded_app = self.app
        self.overloaded_app = _overloaded_app(self.limits.retry_after_seconds)
        self.limit_concurrency = None  # the cap is applied in on_headers_complete, with Retry-After
        self.phase = IDLE
        self.deadline: float | None = None
        self.head_bytes = 0
        self.heads_completed = 0
        self.chunk_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()
        DeadlineSweeper.watch(self)

    def _await_head(self) -> None:
        self.phase = HEAD
        self.deadline = self.loop.time() + self.limits.header_timeout
        self.head_bytes = 0

    def data_received(self, data: bytes) -> None:
        if self.phase is RESPONDING or self.phase is IDLE:
            # Once a request is in, anything more is the next request: kept alive, or pipelined.
            self._await_head()
        in_head, heads_before = self.phase is HEAD, self.heads_completed
        self.chunk_bytes = len(data)
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as error:
            if isinstance(error.__context__, _HeadTooLarge):
                return self._refuse_head()
            return self._invalid_request()
        except httptools.HttpParserError:
            return self._invalid_request()
        except httptools.HttpParserUpgrade:
            # As uvicorn does: the request was dispatched already; an upgrade (h2c, WebSocket) is ignored.
            self._unsupported_upgrade_warning()
        if self.phase is HEAD:
            # Count only chunks that were head from end to end; where a head starts mid-chunk its first
            # part goes uncounted, so the cap can be passed by at most one read (256 KiB).
            if in_head and heads_before == self.heads_completed:
                self.head_bytes += len(data)
            if self.head_bytes > self.limits.max_header_bytes:
                self._refuse_head()

    def on_headers_complete(self) -> None:
        self.heads_completed += 1
        limit = self.limits.max_header_bytes
        if self.head_bytes + self.chunk_bytes > limit and self._parsed_head_bytes() > limit:
            raise _HeadTooLarge()
        self.phase = BODY
        self.deadline = self.loop.time() + self.limits.body_timeout
        cap = self.limits.max_connections
        crowded = len(self.connections) > cap or len(self.tasks) >= cap
        self.app = self.overloaded_app if crowded else self.guarded_app
        super().on_headers_complete()

    def _parsed_head_bytes(self) -> int:
        return len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers) + 16

    def on_message_complete(self) -> None:
        super().on_message_complete()
        # The client has sent everything: the collector owes the answer, then uvicorn's keep-alive timeout
        # closes the connection if nothing follows.
        self.phase = RESPONDING
        self.deadline = None

    def deadline_passed(self) -> None:
        """Close the connection, answering 408 if the client had started a request and no answer is under
        way (a pipelined head can stall while the previous request is still being answered)."""
        phase, self.phase, self.deadline = self.phase, IDLE, None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if phase is BODY:
            cycle.disconnected = True  # the endpoint reads a disconnect and its answer goes nowhere
            cycle.message_event.set()
            answer = not cycle.response_started
        else:
            answer = self.head_bytes > 0 and (cycle is None or cycle.response_complete)
        if answer:
            what = "request head" if phase is HEAD else "request body"
            seconds = self.limits.header_timeout if phase is HEAD else self.limits.body_timeout
            message = f"the {what} did not arrive within {seconds:g} seconds"
            self.transport.write(_answer(408, b"Request Timeout", "request_timeout", message))
        self.transport.close()

    def _refuse_head(self) -> None:
        self.phase, self.deadline = IDLE, None
        message = f"the request line and headers exceed {self.limits.max_header_bytes:,} bytes"
        self.transport.write(_answer(431, b"Request Header Fields Too Large", "headers_too_large", message))
        self.transport.close()

    def _invalid_request(self) -> None:
        self.phase, self.deadline = IDLE, None
        message = "the request is not valid HTTP/1.1"
        self.transport.write(_answer(400, b"Bad Request", "invalid_http", message))
        self.transport.close()


class DeadlineSweeper:
    """One timer per event loop that closes connections past their deadline; idle when none are open."""

    def __init__(self, loop: asyncio.AbstractEventLoop, connections: set, interval: float) -> None:
        self.loop, self.connections, self.interval = loop, connections, interval
        self.handle: asyncio.TimerHandle | None = None

    @classmethod
    def watch(cls, protocol: GuardedHttpToolsProtocol) -> None:
        state = protocol.server_state
        sweeper = getattr(state, "deadline_sweeper", None)
        if sweeper is None:
            sweeper = cls(protocol.loop, protocol.connections, protocol.limits.sweep_interval)
            state.deadline_sweeper = sweeper
        if sweeper.handle is None:
            sweeper.handle = sweeper.loop.call_later(sweeper.interval, sweeper.sweep)

    def sweep(self) -> None:
        now = self.loop.time()
        for connection in list(self.connections):
            deadline = getattr(connection, "deadline", None)
            if deadline is not None and now >= deadline:
                connection.deadline_passed()
        self.handle = self.loop.call_later(self.interval, self.sweep) if self.connections else None


def protocol_class(limits: ConnectionLimits) -> type[GuardedHttpToolsProtocol]:
    """The protocol class uvicorn should instantiate for these limits (``uvicorn.Config(http=...)``)."""
    return type("CollectorHttpProtocol", (GuardedHttpToolsProtocol,), {"limits": limits})
