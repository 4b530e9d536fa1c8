"""Where each object source's client points: the real API when credentials are set, else the sandbox.

Settings (all read through ``interaction_pipeline.settings``): ``STRIPE_API_KEY``; ``ZENDESK_SUBDOMAIN``,
``ZENDESK_EMAIL``, ``ZENDESK_API_TOKEN``; ``SALESFORCE_LOGIN_URL`` (default ``https://login.salesforce.com``),
``SALESFORCE_CLIENT_ID``, ``SALESFORCE_CLIENT_SECRET``; ``INTERACTION_PIPELINE_SANDBOX_URL`` (default
``http://127.0.0.1:8089``). Setting only some of a source's credentials is an error that names the missing
one, rather than a silent fall back to the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from interaction_pipeline import settings
from interaction_pipeline.sandbox.state import (
    SANDBOX_SALESFORCE_CLIENT_ID,
    SANDBOX_SALESFORCE_CLIENT_SECRET,
    SANDBOX_STRIPE_KEY,
    SANDBOX_ZENDESK_EMAIL,
    SANDBOX_ZENDESK_TOKEN,
)
from interaction_pipeline.sources.http import SourceAuthError, SourceUnavailableError

DEFAULT_SANDBOX_URL = "http://127.0.0.1:8089"
SANDBOX_ZENDESK_REQUESTS_PER_MINUTE = 0  # the sandbox enforces its own limit when switched on


def sandbox_url() -> str:
    return (settings.env("INTERACTION_PIPELINE_SANDBOX_URL") or DEFAULT_SANDBOX_URL).rstrip("/")


@dataclass(frozen=True)
class StripeEndpoint:
    base_url: str
    api_key: str
    endpoint: str  # "live" or "sandbox"


@dataclass(frozen=True)
class ZendeskEndpoint:
    base_url: str
    email: str
    api_token: str
    requests_per_minute: int
    endpoint: str


@dataclass(frozen=True)
class SalesforceEndpoint:
    login_url: str
    client_id: str
    client_secret: str
    endpoint: str

    @property
    def base_url(self) -> str:
        return self.login_url


def _all_or_none(source: str, names: list[str]) -> dict[str, str] | None:
    values = {name: settings.env(name) for name in names}
    present = [name for name, value in values.items() if value]
    if not present:
        return None
    missing = [name for name in names if not values[name]]
    if missing:
        raise SourceAuthError(
            f"{source}: {', '.join(present)} is set but {', '.join(missing)} is not; set all "
            f"of {', '.join(names)} (or none, to use the sandbox)"
        )
    return values  # type: ignore[return-value]


def stripe_endpoint() -> StripeEndpoint:
    key = settings.env("STRIPE_API_KEY")
    if key:
        return StripeEndpoint("https://api.stripe.com", key, "live")
    return StripeEndpoint(f"{sandbox_url()}/stripe", SANDBOX_STRIPE_KEY, "sandbox")


def zendesk_endpoint() -> ZendeskEndpoint:
    values = _all_or_none("zendesk", ["ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN"])
    if values:
        return ZendeskEndpoint(
            f"https://{values['ZENDESK_SUBDOMAIN']}.zendesk.com",
            values["ZENDESK_EMAIL"],
            values["ZENDESK_API_TOKEN"],
            10,
            "live",
        )
    return ZendeskEndpoint(
        f"{sandbox_url()}/zendesk",
        SANDBOX_ZENDESK_EMAIL,
        SANDBOX_ZENDESK_TOKEN,
        SANDBOX_ZENDESK_REQUESTS_PER_MINUTE,
        "sandbox",
    )


def salesforce_endpoint() -> SalesforceEndpoint:
    values = _all_or_none("salesforce", ["SALESFORCE_CLIENT_ID", "SALESFORCE_CLIENT_SECRET"])
    if values:
        login = settings.env("SALESFORCE_LOGIN_URL") or "https://login.salesforce.com"
        return SalesforceEndpoint(
            login, values["SALESFORCE_CLIENT_ID"], values["SALESFORCE_CLIENT_SECRET"], "live"
        )
    return SalesforceEndpoint(
        f"{sandbox_url()}/salesforce",
        SANDBOX_SALESFORCE_CLIENT_ID,
        SANDBOX_SALESFORCE_CLIENT_SECRET,
        "sandbox",
    )


def check_sandbox(source: str, base_url: str) -> None:
    """Fail fast, with the fix in the message, when a source without credentials finds no sandbox running."""
    import requests

    root = sandbox_url()
    try:
        requests.get(f"{root}/_sandbox/health", timeout=3).raise_for_status()
    except requests.RequestException as failure:
        settings_hint = {
            "stripe": "STRIPE_API_KEY",
            "zendesk": "ZENDESK_SUBDOMAIN/ZENDESK_EMAIL/ZENDESK_API_TOKEN",
            "salesforce": "SALESFORCE_CLIENT_ID/SALESFORCE_CLIENT_SECRET",
        }[source]
        raise SourceUnavailableError(
            f"{source}: no credentials are set ({settings_hint}), so it syncs from the sandbox at "
            f"{base_url}, which is not answering ({type(failure).__name__}); start it with "
            "`interaction-pipeline sandbox` or set INTERACTION_PIPELINE_SANDBOX_URL"
        ) from failure
