"""The HTTP layer every object-source client shares: one session per source, retries, timeouts, clear errors.

urllib3 retries connection errors, read timeouts and 429/500/502/503/504 with exponential backoff and honours
``Retry-After``. On top of that, a body that arrives cut short (dropped connection, truncated or otherwise
invalid JSON) is fetched again, because a proxy or a vendor hiccup can produce one with a 200 status.
401 and 403 are never retried: they become ``SourceAuthError`` (naming the setting to fix) and
``SourcePermissionError`` (one collection the credentials may not read).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import orjson
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)
# Failures urllib3 gave up on, or that happen while reading the body (after urllib3's part is done).
BODY_FAILURES = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class SourceError(Exception):
    """A sync could not finish; the message says which source and why."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class SourceAuthError(SourceError):
    """The credentials were rejected: nothing of this source can be synced until the setting is fixed."""


class SourceUnavailableError(SourceError):
    """The vendor (or the sandbox) did not answer at all; no collection of it can sync now."""


class SourcePermissionError(SourceError):
    """The credentials may not read one collection; the others can still sync."""


@dataclass(frozen=True)
class HttpSettings:
    attempts: int = 6
    backoff: float = 0.5
    backoff_max: float = 30.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0


@dataclass
class HttpStats:
    requests: int = 0
    body_retries: int = 0
    seconds_waiting: float = 0.0


class HttpClient:
    """One ``requests`` session for one source, with the retry policy and the error vocabulary above."""

    def __init__(self, source: str, credential_settings: str, settings: HttpSettings | None = None) -> None:
        self.source = source
        self.credential_settings = credential_settings
        self.settings = settings or HttpSettings()
        self.session = build_session(self.settings)
        self.stats = HttpStats()
        self.last_response: requests.Response | None = None

    def get_json(
        self,
        url: str,
        params: Mapping | list | None = None,
        headers: Mapping | None = None,
        collection: str | None = None,
    ):
        return self.request_json("GET", url, params=params, headers=headers, collection=collection)

    def request_json(
        self,
        method: str,
        url: str,
        collection: str | None = None,
        auth_statuses: tuple[int, ...] = (401,),
        **kwargs,
    ):
        timeout = (self.settings.connect_timeout, self.settings.read_timeout)
        problem = "no attempt made"
        for attempt in range(self.settings.attempts):
            if attempt:
                self.stats.body_retries += 1
                time.sleep(min(self.settings.backoff_max, self.settings.backoff * 2 ** (attempt - 1)))
            started = time.perf_counter()
            try:
                response = self.session.request(method, url, timeout=timeout, **kwargs)
            except BODY_FAILURES as failure:
                if failure.args and isinstance(failure.args[0], MaxRetryError):
                    # urllib3 already retried this with backoff; trying its whole schedule again would only
                    # multiply the wait.
                    raise SourceUnavailableError(
                        f"{self.source}: {_path(url)} is not reachable after {self.settings.attempts} "
                        f"attempts: {failure.args[0].reason}"
                    ) from failure
                problem = f"{type(failure).__name__}: {failure}"
                continue
            finally:
                self.stats.requests += 1
                self.stats.seconds_waiting += time.perf_counter() - started
            self.last_response = response
            self._raise_for_status(response, collection, auth_statuses)
            try:
                return orjson.loads(response.content)
            except orjson.JSONDecodeError as failure:
                problem = f"invalid JSON body ({len(response.content)} bytes): {failure}"
        raise SourceError(
            f"{self.source}: {method} {_path(url)} failed after {self.settings.attempts} attempts: {problem}"
        )

    def _raise_for_status(
        self, response: requests.Response, collection: str | None, auth_statuses: tuple[int, ...]
    ) -> None:
        if response.status_code < 400:
            return
        detail = response.text[:300]
        if response.status_code in auth_statuses:
            raise SourceAuthError(
                f"{self.source}: authentication failed (HTTP {response.status_code}); check "
                f"{self.credential_settings}. Response: {detail}"
            )
        if response.status_code == 403:
            where = f"collection '{collection}'" if collection else _path(response.url)
            raise SourcePermissionError(
                f"{self.source}: permission denied for {where} (HTTP 403); grant the "
                f"credentials in {self.credential_settings} read access. Response: {detail}"
            )
        raise SourceError(
            f"{self.source}: {response.request.method} {_path(response.url)} answered HTTP "
            f"{response.status_code}: {detail}",
            response.status_code,
        )


def build_session(settings: HttpSettings) -> requests.Session:
    retry = Retry(
        total=settings.attempts,
        connect=settings.attempts,
        read=settings.attempts,
        status=settings.attempts,
        backoff_factor=settings.backoff,
        backoff_max=settings.backoff_max,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,  # the only POST is a token request, which is safe to repeat
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=4)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "interaction-pipeline"
    return session


def _path(url: str) -> str:
    return url.split("?", 1)[0]
