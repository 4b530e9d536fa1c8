"""The destination client for each audience destination, pointed where `partners` says the vendor lives."""

from __future__ import annotations

from interaction_pipeline import partners, settings
from interaction_pipeline.destinations.account import in_sandbox
from interaction_pipeline.destinations.base import Destination
from interaction_pipeline.destinations.braze import BrazeDestination
from interaction_pipeline.destinations.file import FileDestination
from interaction_pipeline.destinations.google_ads import GoogleAdsDestination
from interaction_pipeline.destinations.meta import MetaDestination
from interaction_pipeline.destinations.webhook import WebhookDestination

# destination name (as in the audience meta) -> the partner it lives at; `file` writes local files instead
RESOLVERS = {
    "meta": partners.meta,
    "google_ads": partners.google_ads,
    "braze": partners.braze,
    "webhook": partners.audience_webhook,
}


CLIENTS = {
    "meta": MetaDestination,
    "google_ads": GoogleAdsDestination,
    "braze": BrazeDestination,
    "webhook": WebhookDestination,
}


def client_for(endpoint: partners.Endpoint) -> Destination:
    # Each client takes the base URL and then the credentials under the names `partners` gives them.
    client = CLIENTS[endpoint.vendor](endpoint.url, **endpoint.credentials)
    if endpoint.uses_sandbox:
        client.account = in_sandbox(client.account, endpoint.url)
    return client


def configured_destination(name: str, env: partners.Env = settings.env) -> tuple[Destination, bool]:
    """The client for destination ``name`` as configured, and whether it points at the sandbox."""
    if name == "file":
        return FileDestination(), False
    endpoint = RESOLVERS[name](env)
    return client_for(endpoint), endpoint.uses_sandbox
