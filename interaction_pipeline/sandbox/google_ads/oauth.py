"""Google's OAuth 2.0 token endpoint for the Google Ads stand-in, ``POST /google-ads/token``.

Google Ads clients run unattended with a refresh token: they exchange it (with their OAuth client's id and
secret) for an access token, ``grant_type=refresh_token``, and do so again before it expires
(https://developers.google.com/identity/protocols/oauth2/web-server#offline). The stand-in answers as
``https://oauth2.googleapis.com/token`` does: ``access_token``, ``expires_in`` (seconds, 3599 by default, or
``token_seconds`` from ``POST /google-ads/_sandbox/settings``), ``token_type``; ``invalid_client`` (401) for
an unknown client and ``invalid_grant`` (400) for a refresh token it did not issue. The API refuses an access
token it did not issue, or one past its lifetime on the sandbox clock, with 401 ``UNAUTHENTICATED``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

from interaction_pipeline.partners import (
    SANDBOX_GOOGLE_ADS_CLIENT_ID,
    SANDBOX_GOOGLE_ADS_CLIENT_SECRET,
    SANDBOX_GOOGLE_ADS_REFRESH_TOKEN,
)
from interaction_pipeline.sandbox.responses import json_response

ADWORDS_SCOPE = "https://www.googleapis.com/auth/adwords"


@dataclass
class TokenIssuer:
    clock: Callable[[], float]
    token_seconds: float = 3599.0
    expiry: dict[str, float] = field(default_factory=dict)  # access token -> when it expires (sandbox clock)
    issued: int = 0

    def valid(self, token: str | None) -> bool:
        return token is not None and self.clock() < self.expiry.get(token, float("-inf"))


def token_endpoint(issuer: TokenIssuer):
    async def token(request: Request) -> Response:
        # A url-encoded form, parsed by hand so the sandbox needs no multipart library.
        form = {key: values[-1] for key, values in parse_qs((await request.body()).decode()).items()}
        if form.get("grant_type") != "refresh_token":
            return _refusal(
                400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", "")
            )
        client = (form.get("client_id"), form.get("client_secret"))
        if client != (SANDBOX_GOOGLE_ADS_CLIENT_ID, SANDBOX_GOOGLE_ADS_CLIENT_SECRET):
            return _refusal(401, "invalid_client", "The OAuth client was not found.")
        if form.get("refresh_token") != SANDBOX_GOOGLE_ADS_REFRESH_TOKEN:
            return _refusal(400, "invalid_grant", "Token has been expired or revoked.")
        access_token = f"ya29.sandbox-{secrets.token_hex(16)}"
        issuer.expiry[access_token] = issuer.clock() + issuer.token_seconds
        issuer.issued += 1
        return json_response(
            {
                "access_token": access_token,
                "expires_in": int(issuer.token_seconds),
                "scope": ADWORDS_SCOPE,
                "token_type": "Bearer",
            }
        )

    return token


def _refusal(status: int, error: str, description: str) -> Response:
    return json_response({"error": error, "error_description": description}, status)
