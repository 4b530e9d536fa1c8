"""HTTP with retries, shared by the object-source clients and the audience destinations.

A ``requests`` session whose adapter retries with urllib3's ``Retry``: refused or dropped connections, read
timeouts and the statuses 429/500/502/503/504, with exponential backoff, waiting out ``Retry-After`` (or
Braze's ``X-RateLimit-Reset``, a unix time) when the server sends one. Two kinds of trouble urllib3 cannot
see are retried here, on the same schedule: a body that arrives cut short or is not JSON although the status
says success (a proxy or a vendor hiccup), and an answer the caller knows to be transient (Google's
``CONCURRENT_MODIFICATION``, a Meta throttling code sent as 400).

Callers get the reason of every retried attempt, urllib3's included (read from its history), so a sync log can
show what happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader, MaxRetryError
from urllib3.util.retry import RequestHistory, Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)
# Failures while sending or reading the body that urllib3 did not (or could not) retry.
BODY_FAILURES = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)

# An answer the caller recognises as worth another try: the reason, or None to accept it.
RetryIf = Callable[[requests.Response], str | None]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries of one request for each kind of failure, the first included
    backoff: float = 0.5  # seconds before the second retry, doubling with every further one
    backoff_max: float = 30.0
    longest_wait: float | None = None  # cap on a wait the server asks for; None waits as long as asked

    def pause(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first): urllib3's schedule."""
        return 0.0 if retry <= 1 else min(self.backoff_max, self.backoff * 2 ** (retry - 1))


class GaveUp(Exception):
    """Every attempt failed without an answer to act on; ``reasons`` has one entry per attempt."""

    def __init__(self, reasons: list[str], unreachable: bool) -> None:
        super().__init__(reasons[-1] if reasons else "no attempt made")
        self.reasons = reasons
        self.unreachable = unreachable  # no answer at all: refused, reset or timed out every time


class _Retry(Retry):
    """urllib3's Retry, plus Braze's rate-limit header, a cap on server-requested waits, and its history kept
    on the error when it gives up."""

    def __init__(self, *args: Any, longest_wait: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.longest_wait = longest_wait

    def new(self, **kwargs: Any) -> _Retry:
        return super().new(longest_wait=self.longest_wait, **kwargs)

    def get_retry_after(self, response) -> float | None:
        try:
            seconds = super().get_retry_after(response)
        except InvalidHeader:
            seconds = None
        reset = response.headers.get("X-RateLimit-Reset")
        if seconds is None and reset is not None:
            try:
                seconds = max(float(reset) - time.time(), 0.0)
            except ValueError:
                seconds = None
        if seconds is not None and self.longest_wait is not None:
            seconds = min(seconds, self.longest_wait)
        return seconds

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        try:
            return super().increment(method, url, response, error, _pool, _stacktrace)
        except MaxRetryError as exhausted:
            status = response.status if response is not None else None
            exhausted.attempts = [*self.history, RequestHistory(method, url, error, status, None)]
            raise


def describe(attempt: RequestHistory) -> str:
    if attempt.error is not None:
        return f"{type(attempt.error).__name__}: {attempt.error}"[:300]
    return f"HTTP {attempt.status}"


def _retried_by_urllib3(response: requests.Response) -> list[str]:
    """The attempts urllib3 retried, before redirects (``requests`` follows those itself) and after."""
    reasons = []
    for hop in [*response.history, response]:
        retries = getattr(hop.raw, "retries", None)
        reasons += [describe(attempt) for attempt in (retries.history if retries else ())]
    return reasons


def _json_problem(response: requests.Response) -> tuple[Any, str | None]:
    """The parsed body of a successful answer, or why it cannot be trusted."""
    if not response.content:
        return None, None
    try:
        return orjson.loads(response.content), None
    except orjson.JSONDecodeError:
        size = len(response.content)
        return None, f"invalid JSON body ({size} bytes) with HTTP {response.status_code}"


@dataclass
class Answer:
    response: requests.Response
    body: Any  # the parsed JSON of a successful answer (None when empty or an error status)
    retries: list[str]  # why each earlier attempt was retried, oldest first


@dataclass
class HttpStats:
    requests: int = 0  # HTTP requests sent, retries included
    body_retries: int = 0  # retries of answers urllib3 accepted (broken bodies, transient answers)
    seconds_waiting: float = 0.0


class RetryingSession:
    """One session for one vendor: connection pooling, default headers and the retries above."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        timeout: float | tuple[float, float] = 30.0,
        pool_size: int = 4,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.timeout = timeout
        self.stats = HttpStats()
        retry = _Retry(
            total=self.policy.attempts - 1,
            backoff_factor=self.policy.backoff,
            backoff_max=self.policy.backoff_max,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=None,  # every call we make is safe to repeat: reads, idempotent adds and removes
            respect_retry_after_header=True,
            raise_on_status=False,
            longest_wait=self.policy.longest_wait,
        )
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry, pool_connections=pool_size, pool_maxsize=pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = "interaction-pipeline"

    def send(self, method: str, url: str, *, retry_if: RetryIf | None = None, **kwargs: Any) -> Answer:
        """The final answer (any status) with the reasons of the attempts before it; GaveUp when none came."""
        reasons: list[str] = []
        for attempt in range(1, self.policy.attempts + 1):
            if attempt > 1:
                self.stats.body_retries += 1
                time.sleep(self.policy.pause(attempt - 1))
            started = time.perf_counter()
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except BODY_FAILURES as failure:
                exhausted = failure.args[0] if failure.args else None
                if isinstance(exhausted, MaxRetryError):
                    # urllib3 already spent its attempts on this; running its schedule again would only
                    # multiply the wait.
                    tried = getattr(exhausted, "attempts", [])
                    self.stats.requests += len(tried)
                    raise GaveUp(reasons + [describe(a) for a in tried], unreachable=True) from failure
                self.stats.requests += 1
                reasons.append(f"{type(failure).__name__}: {failure}"[:300])
                continue
            finally:
                self.stats.seconds_waiting += time.perf_counter() - started
            retried = _retried_by_urllib3(response)
            self.stats.requests += 1 + len(response.history) + len(retried)
            reasons += retried
            if not response.ok:
                # urllib3 has had its tries at the statuses it retries; only the caller knows the others.
                transient = (
                    None if response.status_code in RETRY_STATUSES or not retry_if else retry_if(response)
                )
                if transient is None:
                    return Answer(response, None, reasons)
                reasons.append(transient)
                continue
            body, problem = _json_problem(response)
            if problem is None:
                return Answer(response, body, reasons)
            reasons.append(problem)
        raise GaveUp(reasons, unreachable=False)
