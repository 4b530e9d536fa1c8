"""Authenticated calls to the Google Ads API, as Google's own client libraries make them.

An access token lives about an hour, so an unattended sync cannot be given one. It is given what
`google-ads.yaml` holds instead, an OAuth client (`client_id`, `client_secret`) and a `refresh_token` made
once with the `https://www.googleapis.com/auth/adwords` scope, and asks the token endpoint
(`partners.GOOGLE_TOKEN_URL`, or the sandbox's) for an access token (`grant_type=refresh_token`), again
shortly before it expires and whenever the API says it is no longer valid. Every call carries the
`developer-token` and, for a customer reached through a manager account, the manager's `login-customer-id`.
https://developers.google.com/google-ads/api/docs/oauth/overview
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from interaction_pipeline.destinations.base import DeliveryError
from interaction_pipeline.destinations.http import HttpSender
from interaction_pipeline.http_client import RetryPolicy

# Refresh this long before the token expires, so a request never leaves with a token about to lapse.
REFRESH_MARGIN_SECONDS = 300.0


class AccessTokens:
    """The current access token of one OAuth client and refresh token, fetched when missing or nearly due."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        *,
        timeout: float = 30.0,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = HttpSender(token_url, {}, timeout=timeout, policy=policy)
        self.form = {
            "grant_type": "refresh_token",
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
        }
        self.clock = clock
        self.token: str | None = None
        self.expires_at = 0.0

    @property
    def requests(self) -> int:
        return self.http.requests

    def current(self) -> str:
        if self.token is None or self.clock() >= self.expires_at - REFRESH_MARGIN_SECONDS:
            self.refresh()
        return self.token  # type: ignore[return-value]

    def expire(self) -> None:
        """The API refused the token: the next request fetches a new one."""
        self.token = None

    def refresh(self) -> None:
        asked = self.clock()
        try:
            response, _ = self.http.call("POST", "", data=self.form)
        except DeliveryError as error:
            raise DeliveryError(_refusal(error), error.retries, error.answer, error.status) from error
        answer = response.json()
        self.token = answer["access_token"]
        self.expires_at = asked + float(answer.get("expires_in", 3600))


def _refusal(error: DeliveryError) -> str:
    """One line saying why Google refused to issue a token and what to change."""
    code, description = error.answer.get("error"), error.answer.get("error_description", "")
    if code == "invalid_grant":
        return (
            f"Google refused the refresh token (invalid_grant: {description}): it was revoked, expired or "
            "made for another OAuth client; create a new one and set GOOGLE_ADS_REFRESH_TOKEN"
        )
    if code in ("invalid_client", "unauthorized_client"):
        return (
            f"Google does not know this OAuth client ({code}: {description}): check GOOGLE_ADS_CLIENT_ID and "
            "GOOGLE_ADS_CLIENT_SECRET"
        )
    return f"the Google token endpoint refused the refresh: {error.reason}"


class GoogleAdsSession:
    """POSTs to one API version's base URL with the developer token, the manager account and a fresh token."""

    def __init__(
        self,
        endpoint: str,
        developer_token: str,
        login_customer_id: str | None,
        tokens: AccessTokens,
        *,
        timeout: float,
        policy: RetryPolicy | None,
    ) -> None:
        headers = {"developer-token": developer_token}
        if login_customer_id:
            headers["login-customer-id"] = login_customer_id.replace("-", "")  # digits only, as Google wants
        self.http = HttpSender(endpoint, headers, timeout=timeout, policy=policy)
        self.tokens = tokens

    @property
    def requests(self) -> int:
        return self.http.requests + self.tokens.requests

    def call(
        self, path: str, body: dict[str, Any], retry_if: Callable[[requests.Response], bool] | None = None
    ) -> tuple[dict[str, Any], list[str]]:
        """The JSON answer and the reasons of retried attempts; ``retry_if`` as in `HttpSender.call`."""
        try:
            return self._send(path, body, retry_if)
        except DeliveryError as error:
            if error.status != 401:
                raise
            self.tokens.expire()  # revoked, or expired sooner than it said: one fresh token
            return self._send(path, body, retry_if)

    def _send(
        self, path: str, body: dict[str, Any], retry_if: Callable[[requests.Response], bool] | None
    ) -> tuple[dict[str, Any], list[str]]:
        self.http.session.headers["Authorization"] = f"Bearer {self.tokens.current()}"
        response, retries = self.http.call("POST", path, json=body, retry_if=retry_if)
        return (response.json() if response.content else {}), retries
