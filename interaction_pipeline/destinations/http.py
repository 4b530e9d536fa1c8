"""HTTP with the retries every destination needs: 429 (honouring Retry-After), 5xx, timeouts.

Adds and removes are idempotent at every destination (adding a member twice is a no-op), so a request that
timed out is safe to send again. Each retried attempt is returned with its reason so the sync log shows it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from interaction_pipeline.destinations.base import DeliveryError


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, response: requests.Response | None) -> float:
        headers = response.headers if response is not None else {}
        try:
            if headers.get("Retry-After") is not None:
                return min(float(headers["Retry-After"]), self.max_delay)
            if headers.get("X-RateLimit-Reset") is not None:  # Braze: unix time the window resets
                return min(max(float(headers["X-RateLimit-Reset"]) - time.time(), 0.0), self.max_delay)
        except ValueError:
            pass
        return min(self.base_delay * (2**attempt), self.max_delay)


def _whole_json(response: requests.Response) -> bool:
    """A 2xx body must parse: a truncated answer says nothing about what the destination accepted."""
    if not response.content:
        return True
    try:
        response.json()
    except ValueError:
        return False
    return True


def _json_or_empty(response: requests.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


class HttpSender:
    """A session bound to one base URL that counts its requests."""

    def __init__(
        self,
        base_url: str,
        headers: dict[str, str],
        *,
        timeout: float = 30.0,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update(headers)
        self.timeout = timeout
        self.policy = policy or RetryPolicy()
        self.requests = 0

    def call(
        self,
        method: str,
        path: str,
        *,
        retry_if: Callable[[requests.Response], bool] | None = None,
        **kwargs: Any,
    ) -> tuple[requests.Response, list[str]]:
        """Send until success or a final answer; returns the response and the reasons of retried attempts."""
        url = path if path.startswith("http") else f"{self.base_url}/{path.lstrip('/')}"
        retries: list[str] = []
        for attempt in range(self.policy.attempts):
            response = None
            self.requests += 1
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.Timeout as error:
                reason = f"{type(error).__name__} after {self.timeout}s"
            except requests.RequestException as error:  # refused, reset, broken chunked body
                reason = f"connection failed: {type(error).__name__}"
            else:
                if response.ok and not _whole_json(response):
                    reason = f"HTTP {response.status_code} with a truncated or non-JSON body"
                elif response.ok and not (retry_if and retry_if(response)):
                    return response, retries
                else:
                    reason = f"HTTP {response.status_code}: {response.text[:300]}"
                    retryable = response.status_code == 429 or response.status_code >= 500
                    if not retryable and not (retry_if and retry_if(response)):
                        raise DeliveryError(reason, retries, _json_or_empty(response))
            retries.append(reason)
            if attempt + 1 < self.policy.attempts:
                time.sleep(self.policy.delay(attempt, response))
        raise DeliveryError(f"gave up after {self.policy.attempts} attempts: {retries[-1]}", retries[:-1])
