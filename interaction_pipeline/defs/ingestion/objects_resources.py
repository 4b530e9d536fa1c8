"""Resources for the object sources: the real API when credentials are configured, else the sandbox.

Secrets reach the resources as ``dg.EnvVar`` (resolved at run time, never shown in the UI). With no
credentials configured each resource points at ``<INTERACTION_PIPELINE_SANDBOX_URL>/<vendor>`` and the
assets' metadata says ``endpoint: sandbox``.
"""

from __future__ import annotations

import dagster as dg

from interaction_pipeline import settings
from interaction_pipeline.sources import config
from interaction_pipeline.sources.http import HttpSettings
from interaction_pipeline.sources.salesforce import SalesforceClient
from interaction_pipeline.sources.stripe import StripeClient
from interaction_pipeline.sources.zendesk import DEFAULT_REQUESTS_PER_MINUTE, ZendeskClient


class StripeResource(dg.ConfigurableResource):
    """Stripe secret (or restricted read) key; empty means the sandbox."""

    api_key: str | None = None
    base_url: str | None = None

    def endpoint(self) -> config.StripeEndpoint:
        if self.api_key:
            return config.StripeEndpoint(self.base_url or "https://api.stripe.com", self.api_key, "live")
        return config.stripe_endpoint()

    def client(self, http: HttpSettings | None = None) -> StripeClient:
        endpoint = self.endpoint()
        return StripeClient(endpoint.base_url, endpoint.api_key, http)


class ZendeskResource(dg.ConfigurableResource):
    """Zendesk subdomain, agent email and API token; empty means the sandbox."""

    subdomain: str | None = None
    email: str | None = None
    api_token: str | None = None
    requests_per_minute: int | None = None

    def endpoint(self) -> config.ZendeskEndpoint:
        if self.subdomain and self.email and self.api_token:
            limit = self.requests_per_minute or DEFAULT_REQUESTS_PER_MINUTE
            return config.ZendeskEndpoint(
                f"https://{self.subdomain}.zendesk.com", self.email, self.api_token, limit, "live"
            )
        return config.zendesk_endpoint()

    def client(self, http: HttpSettings | None = None) -> ZendeskClient:
        endpoint = self.endpoint()
        limit = endpoint.requests_per_minute if self.requests_per_minute is None else self.requests_per_minute
        return ZendeskClient(endpoint.base_url, endpoint.email, endpoint.api_token, limit, http)


class SalesforceResource(dg.ConfigurableResource):
    """Salesforce connected app (client-credentials flow); empty means the sandbox."""

    login_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None

    def endpoint(self) -> config.SalesforceEndpoint:
        if self.client_id and self.client_secret:
            login = self.login_url or "https://login.salesforce.com"
            return config.SalesforceEndpoint(login, self.client_id, self.client_secret, "live")
        return config.salesforce_endpoint()

    def client(self, http: HttpSettings | None = None) -> SalesforceClient:
        endpoint = self.endpoint()
        return SalesforceClient(endpoint.login_url, endpoint.client_id, endpoint.client_secret, http)


def _env(name: str) -> dg.EnvVar | None:
    return dg.EnvVar(name) if settings.env(name) else None


@dg.definitions
def object_source_resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "stripe": StripeResource(api_key=_env("STRIPE_API_KEY")),
            "zendesk": ZendeskResource(
                subdomain=_env("ZENDESK_SUBDOMAIN"),
                email=_env("ZENDESK_EMAIL"),
                api_token=_env("ZENDESK_API_TOKEN"),
            ),
            "salesforce": SalesforceResource(
                login_url=_env("SALESFORCE_LOGIN_URL"),
                client_id=_env("SALESFORCE_CLIENT_ID"),
                client_secret=_env("SALESFORCE_CLIENT_SECRET"),
            ),
        }
    )
