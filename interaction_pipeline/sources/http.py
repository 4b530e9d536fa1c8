"""The HTTP layer every object-source client shares: one session per source, retries, timeouts, clear errors.

Retries are `interaction_pipeline.http_client`'s: urllib3 retries connection errors, read timeouts and
429/500/502/503/504 with backoff and honours ``Retry-After``; a body that arrives cut short or is not JSON is
fetched again. 401 and 403 are never retried: they become ``SourceAuthError`` (naming the setting to fix) and
``SourcePermissionError`` (one collection the credentials may not read).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import requests

from interaction_pipeline.http_client import GaveUp, RetryingSession, RetryPolicy


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

    def policy(self) -> RetryPolicy:
        return RetryPolicy(self.attempts, self.backoff, self.backoff_max)


class HttpClient:
    """One retrying session for one source, with the error vocabulary above."""

    def __init__(self, source: str, credential_settings: str, settings: HttpSettings | None = None) -> None:
        self.source = source
        self.credential_settings = credential_settings
        self.settings = settings or HttpSettings()
        timeouts = (self.settings.connect_timeout, self.settings.read_timeout)
        self.http = RetryingSession(self.settings.policy(), timeouts)
        self.session = self.http.session
        self.stats = self.http.stats
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
        try:
            answer = self.http.send(method, url, **kwargs)
        except GaveUp as failure:
            attempts = self.settings.attempts
            if failure.unreachable:
                raise SourceUnavailableError(
                    f"{self.source}: {_path(url)} is not reachable after {attempts} attempts: {failure}"
                ) from failure
            raise SourceError(
                f"{self.source}: {method} {_path(url)} failed after {attempts} attempts: {failure}"
            ) from failure
        self.last_response = answer.response
        self._raise_for_status(answer.response, collection, auth_statuses)
        return answer.body

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


def _path(url: str) -> str:
    return url.split("?", 1)[0]
