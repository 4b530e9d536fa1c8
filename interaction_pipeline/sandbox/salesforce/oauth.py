"""Salesforce's OAuth 2.0 client-credentials token endpoint, ``POST /services/oauth2/token``.

The client authenticates either way RFC 6749 (section 2.3.1) allows: ``client_id`` and ``client_secret`` in
the form body, or HTTP Basic with the form-encoded id and secret (what simple-salesforce sends). The answer's
``instance_url`` is scheme and host only, as a real org's My Domain is; the sandbox serves the instance's
``/services/...`` paths at its root, so a client that follows ``instance_url`` finds them there.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, unquote_plus

from starlette.requests import Request

from interaction_pipeline.sandbox.responses import basic_credentials, json_response
from interaction_pipeline.sandbox.salesforce.store import SalesforceStore
from interaction_pipeline.sandbox.state import SandboxState

ORG_ID = "00DSBX0000000001"
INTEGRATION_USER_ID = "005SBX0000000001"


def token_endpoint(state: SandboxState, store: SalesforceStore):
    async def token(request: Request):
        # A url-encoded form, parsed by hand so the sandbox needs no multipart library.
        form = {key: values[-1] for key, values in parse_qs((await request.body()).decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return _refusal("unsupported_grant_type", "grant type not supported")
        basic = basic_credentials(request)
        if basic is not None and ("client_secret" in form or form.get("client_id", basic[0]) != basic[0]):
            return _refusal("invalid_request", "use one client authentication method, not several")
        client = (unquote_plus(basic[0]), unquote_plus(basic[1])) if basic else None
        client = client or (form.get("client_id"), form.get("client_secret"))
        if client != (store.client_id, store.client_secret):
            return _refusal("invalid_client", "invalid client credentials")
        access_token = f"{ORG_ID[:15]}!{secrets.token_hex(16)}"
        with state.lock:
            store.tokens.add(access_token)
        origin = f"{request.url.scheme}://{request.url.netloc}"
        return json_response(
            {
                "access_token": access_token,
                "signature": secrets.token_urlsafe(24),
                "scope": "api",
                "instance_url": origin,
                "id": f"{origin}/id/{ORG_ID}/{INTEGRATION_USER_ID}",
                "token_type": "Bearer",
                "issued_at": str(int(state.clock.now() * 1000)),
            }
        )

    return token


def _refusal(error: str, description: str):
    return json_response({"error": error, "error_description": description}, 400)
