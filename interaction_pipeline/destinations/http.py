"""HTTP for the destinations: `interaction_pipeline.http_client`'s retries, with the destinations' errors.

Adds and removes are idempotent at every destination (adding a member twice is a no-op), so a request that
timed out is safe to send again. Each retried attempt comes back with its reason so the sync log shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from interaction_pipeline.destinations.base import DeliveryError
from interaction_pipeline.http_client import RETRY_STATUSES, GaveUp, RetryingSession, RetryPolicy

# A server may ask for a long pause; a sync waits at most this long and leaves the rest to the next run.
DEFAULT_POLICY = RetryPolicy(attempts=5, backoff=0.5, backoff_max=30.0, longest_wait=30.0)


def _json_or_empty(response: requests.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _reason(response: requests.Response) -> str:
    return f"HTTP {response.status_code}: {response.text[:300]}"


class HttpSender:
    """A retrying session bound to one base URL that counts its requests."""

    def __init__(
        self,
        base_url: str,
        headers: dict[str, str],
        *,
        timeout: float = 30.0,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.configured_url = base_url
        self.base_url = base_url.rstrip("/")
        self.http = RetryingSession(policy or DEFAULT_POLICY, timeout)
        self.session = self.http.session
        self.session.headers.update(headers)
        self.policy = self.http.policy

    @property
    def requests(self) -> int:
        return self.http.stats.requests

    def call(
        self,
        method: str,
        path: str,
        *,
        retry_if: Callable[[requests.Response], bool] | None = None,
        **kwargs: Any,
    ) -> tuple[requests.Response, list[str]]:
        """Send until success or a final answer; returns the response and the reasons of retried attempts.

        ``retry_if`` marks answers the vendor means as transient although their status says otherwise.
        """
        if path.startswith("http") or not path:
            url = path or self.configured_url  # the webhook posts to its URL exactly as configured
        else:
            url = f"{self.base_url}/{path.lstrip('/')}"
        transient = (lambda response: _reason(response) if retry_if(response) else None) if retry_if else None
        try:
            answer = self.http.send(method, url, retry_if=transient, **kwargs)
        except GaveUp as failure:
            reasons = failure.reasons or [str(failure)]
            raise DeliveryError(
                f"gave up after {self.policy.attempts} attempts: {reasons[-1]}", reasons[:-1]
            ) from failure
        except requests.RequestException as failure:  # a request that cannot be sent at all (a bad URL)
            raise DeliveryError(f"request failed: {type(failure).__name__}: {failure}") from failure
        response = answer.response
        if response.ok:
            return response, answer.retries
        if response.status_code in RETRY_STATUSES:
            reason = f"gave up after {self.policy.attempts} attempts: {_reason(response)}"
            raise DeliveryError(reason, answer.retries)
        raise DeliveryError(_reason(response), answer.retries, _json_or_empty(response), response.status_code)
