"""Resources for the object sources: each carries its vendor's variables, and `partners` decides at run time
whether they point at the real API or at the sandbox (the assets' metadata says which)."""

from __future__ import annotations

import dagster as dg

from interaction_pipeline import partners
from interaction_pipeline.defs.resources import PartnerResource
from interaction_pipeline.sources.endpoints import build_client, configured_endpoint
from interaction_pipeline.sources.http import HttpSettings
from interaction_pipeline.sources.salesforce import SalesforceClient
from interaction_pipeline.sources.stripe import StripeClient
from interaction_pipeline.sources.zendesk import ZendeskClient


class StripeResource(PartnerResource):
    """Stripe secret (or restricted read) key; unset means the sandbox."""

    stripe_api_key: str | None = None

    def endpoint(self) -> partners.Endpoint:
        return configured_endpoint("stripe", self.env)

    def client(self, http: HttpSettings | None = None) -> StripeClient:
        return build_client(self.endpoint(), http)


class ZendeskResource(PartnerResource):
    """Zendesk subdomain, agent email and API token; none set means the sandbox."""

    zendesk_subdomain: str | None = None
    zendesk_email: str | None = None
    zendesk_api_token: str | None = None

    def endpoint(self) -> partners.Endpoint:
        return configured_endpoint("zendesk", self.env)

    def client(self, http: HttpSettings | None = None) -> ZendeskClient:
        return build_client(self.endpoint(), http)


class SalesforceResource(PartnerResource):
    """Salesforce connected app (client-credentials flow); none set means the sandbox."""

    salesforce_login_url: str | None = None
    salesforce_client_id: str | None = None
    salesforce_client_secret: str | None = None

    def endpoint(self) -> partners.Endpoint:
        return configured_endpoint("salesforce", self.env)

    def client(self, http: HttpSettings | None = None) -> SalesforceClient:
        return build_client(self.endpoint(), http)


def object_source_resource_map() -> dict[str, PartnerResource]:
    return {
        "stripe": StripeResource.from_environment(),
        "zendesk": ZendeskResource.from_environment(),
        "salesforce": SalesforceResource.from_environment(),
    }


@dg.definitions
def object_source_resources() -> dg.Definitions:
    return dg.Definitions(resources=object_source_resource_map())
