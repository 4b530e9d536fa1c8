"""Destination clients as Dagster resources. Each carries its vendor's variables (secrets as `dg.EnvVar`, so
the UI shows the variable's name, never its value); `partners` decides at run time whether they point at the
real API or the sandbox, and the sync assets put that in their metadata."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from interaction_pipeline import partners, settings
from interaction_pipeline.defs.resources import PartnerResource
from interaction_pipeline.destinations.base import Destination
from interaction_pipeline.destinations.clients import client_for
from interaction_pipeline.destinations.file import FileDestination

# destination name (as in the audience meta) -> resource key
RESOURCE_KEYS = {
    "meta": "meta_audiences",
    "google_ads": "google_ads_customer_match",
    "braze": "braze",
    "webhook": "audience_webhook",
    "file": "audience_files",
}


class DestinationResource(PartnerResource):
    def destination(self) -> Destination:
        return client_for(self.endpoint())


class MetaAudiencesResource(DestinationResource):
    meta_access_token: str | None = None
    meta_ad_account_id: str | None = None
    meta_api_version: str | None = None

    def endpoint(self) -> partners.Endpoint:
        return partners.meta(self.env)


class GoogleAdsResource(DestinationResource):
    google_ads_developer_token: str | None = None
    google_ads_client_id: str | None = None
    google_ads_client_secret: str | None = None
    google_ads_refresh_token: str | None = None
    google_ads_customer_id: str | None = None
    google_ads_login_customer_id: str | None = None

    def endpoint(self) -> partners.Endpoint:
        return partners.google_ads(self.env)


class BrazeResource(DestinationResource):
    braze_rest_endpoint: str | None = None
    braze_api_key: str | None = None

    def endpoint(self) -> partners.Endpoint:
        return partners.braze(self.env)


class AudienceWebhookResource(DestinationResource):
    audience_webhook_url: str | None = None
    audience_webhook_secret: str | None = None

    def endpoint(self) -> partners.Endpoint:
        return partners.audience_webhook(self.env)


class AudienceFilesResource(dg.ConfigurableResource):
    folder: str
    uses_sandbox: bool = False

    def destination(self) -> FileDestination:
        return FileDestination(Path(self.folder))


def destination_resources() -> dict[str, dg.ConfigurableResource]:
    return {
        "meta_audiences": MetaAudiencesResource.from_environment(),
        "google_ads_customer_match": GoogleAdsResource.from_environment(),
        "braze": BrazeResource.from_environment(),
        "audience_webhook": AudienceWebhookResource.from_environment(),
        "audience_files": AudienceFilesResource(folder=str(settings.paths().exports / "audiences")),
    }


@dg.definitions
def activation_resources() -> dg.Definitions:
    return dg.Definitions(resources=destination_resources())
