"""What the partner stand-ins share: worker threads that POST webhook requests and retry them the
partner's way.

A partner module turns events into :class:`Request` objects and gives a ``decide(request, response)``
function returning ``None`` when the request is delivered, :class:`Retry` to send it again after a backoff
(honouring ``Retry-After``), :class:`Split` to send smaller requests instead (Braze splits a batch on 400 and
413) or :class:`Drop` when the partner would give the events up. Nothing waits the days a real partner keeps
retrying: after ``max_attempts`` the events are counted as failed, with the collector's answer.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import requests


@dataclass
class Request:
    url: str
    body: bytes
    headers: dict
    events: int  # partner events in the body
    source: str
    parts: list | None = None  # the events themselves, for partners that split a batch


@dataclass
class Retry:
    reason: str


@dataclass
class Split:
    requests: list[Request]


@dataclass
class Drop:
    reason: str


@dataclass
class DeliveryReport:
    sent: Counter = field(default_factory=Counter)  # source -> events acknowledged
    failed: Counter = field(default_factory=Counter)  # source -> events given up on
    requests: int = 0
    retries: int = 0
    errors: list[str] = field(default_factory=list)


Decide = Callable[[Request, requests.Response | None], Retry | Split | Drop | None]


def backoff(attempt: int, response: requests.Response | None, cap: float = 30.0) -> float:
    """Exponential backoff with full jitter, or the collector's ``Retry-After`` when it gives one."""
    retry_after = response.headers.get("Retry-After", "") if response is not None else ""
    if retry_after.isdigit():
        return min(cap, float(retry_after))
    return random.uniform(0, min(cap, 0.1 * 2**attempt))


def retry_server_errors(request: Request, response: requests.Response | None) -> Retry | Drop | None:
    """The policy of partners that post one event per request: 2xx is delivered; no answer, 429 and 5xx are
    retried; any other answer is final for that event."""
    if response is None:
        return Retry("timeout or network error")
    if 200 <= response.status_code < 300:
        return None
    if response.status_code == 429 or response.status_code >= 500:
        return Retry(f"HTTP {response.status_code}")
    return Drop(f"HTTP {response.status_code}")


class Deliverer:
    """``threads`` workers draining one queue of requests; ``deliver`` blocks until all are settled."""

    def __init__(
        self, decide: Decide, threads: int = 4, max_attempts: int = 12, timeout: float = 30.0
    ) -> None:
        self.decide = decide
        self.threads = threads
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.report = DeliveryReport()
        self._lock = threading.Lock()

    def deliver(
        self, to_send: Iterable[Request], on_progress: Callable[[int], None] | None = None
    ) -> DeliveryReport:
        work: queue.Queue = queue.Queue(maxsize=self.threads * 8)

        def worker() -> None:
            with requests.Session() as session:
                while (request := work.get()) is not None:
                    self._settle(session, request, on_progress)

        workers = [threading.Thread(target=worker, daemon=True) for _ in range(self.threads)]
        for thread in workers:
            thread.start()
        try:
            for request in to_send:
                work.put(request)
        finally:
            for _ in workers:
                work.put(None)
            for thread in workers:
                thread.join()
        return self.report

    def _settle(self, session, request: Request, on_progress) -> None:
        attempt = 0
        while True:
            try:
                response = session.post(
                    request.url, data=request.body, headers=request.headers, timeout=self.timeout
                )
            except requests.RequestException:
                response = None
            with self._lock:
                self.report.requests += 1
            decision = self.decide(request, response)
            if decision is None:
                with self._lock:
                    self.report.sent[request.source] += request.events
                if on_progress:
                    on_progress(request.events)
                return
            if isinstance(decision, Split):
                for part in decision.requests:
                    self._settle(session, part, on_progress)
                return
            attempt += 1
            if isinstance(decision, Drop) or attempt >= self.max_attempts:
                detail = response.text[:200] if response is not None else "no answer"
                with self._lock:
                    self.report.failed[request.source] += request.events
                    self.report.errors.append(f"{request.source}: {decision.reason}: {detail}")
                return
            with self._lock:
                self.report.retries += 1
            time.sleep(backoff(attempt, response))
