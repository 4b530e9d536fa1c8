"""Destination clients as Dagster resources: real endpoints when credentials are set, else the sandbox.

Secrets are passed as `dg.EnvVar` so the UI shows the variable name, never the value. Each resource says
whether it points at the sandbox; the sync assets put that in their metadata.
"""

from __future__ import annotations

import dagster as dg

from interaction_pipeline import settings
from interaction_pipeline.destinations.braze import BrazeDestination
from interaction_pipeline.destinations.file import FileDestination
from interaction_pipeline.destinations.google_ads import GoogleAdsDestination
from interaction_pipeline.destinations.meta import MetaDestination
from interaction_pipeline.destinations.webhook import WebhookDestination
from interaction_pipeline.sandbox.webhook.api import SANDBOX_SECRET

# destination name (as in the audience meta) -> resource key
RESOURCE_KEYS = {
    "meta": "meta_audiences",
    "google_ads": "google_ads_customer_match",
    "braze": "braze",
    "webhook": "audience_webhook",
    "file": "audience_files",
}


def sandbox_url() -> str:
    return (settings.env("INTERACTION_PIPELINE_SANDBOX_URL", "http://127.0.0.1:8089") or "").rstrip("/")


class MetaAudiencesResource(dg.ConfigurableResource):
    base_url: str
    access_token: str
    ad_account_id: str
    api_version: str = "v25.0"
    uses_sandbox: bool = False

    def destination(self) -> MetaDestination:
        return MetaDestination(self.base_url, self.access_token, self.ad_account_id, self.api_version)


class GoogleAdsResource(dg.ConfigurableResource):
    base_url: str
    developer_token: str
    access_token: str
    customer_id: str
    api_version: str = "v22"
    uses_sandbox: bool = False

    def destination(self) -> GoogleAdsDestination:
        return GoogleAdsDestination(
            self.base_url, self.developer_token, self.access_token, self.customer_id, self.api_version
        )


class BrazeResource(dg.ConfigurableResource):
    rest_endpoint: str
    api_key: str
    uses_sandbox: bool = False

    def destination(self) -> BrazeDestination:
        return BrazeDestination(self.rest_endpoint, self.api_key)


class AudienceWebhookResource(dg.ConfigurableResource):
    url: str
    secret: str
    uses_sandbox: bool = False

    def destination(self) -> WebhookDestination:
        return WebhookDestination(self.url, self.secret)


class AudienceFilesResource(dg.ConfigurableResource):
    folder: str
    uses_sandbox: bool = False

    def destination(self) -> FileDestination:
        from pathlib import Path

        return FileDestination(Path(self.folder))


def destination_resources() -> dict[str, dg.ConfigurableResource]:
    sandbox = sandbox_url()
    resources: dict[str, dg.ConfigurableResource] = {}
    if settings.env("META_ACCESS_TOKEN"):
        resources["meta_audiences"] = MetaAudiencesResource(
            base_url="https://graph.facebook.com",
            access_token=dg.EnvVar("META_ACCESS_TOKEN"),
            ad_account_id=dg.EnvVar("META_AD_ACCOUNT_ID"),
            api_version=settings.env("META_API_VERSION", "v25.0"),
        )
    else:
        resources["meta_audiences"] = MetaAudiencesResource(
            base_url=f"{sandbox}/meta",
            access_token="sandbox",
            ad_account_id="act_1000",
            api_version=settings.env("META_API_VERSION", "v25.0"),
            uses_sandbox=True,
        )
    if settings.env("GOOGLE_ADS_DEVELOPER_TOKEN"):
        resources["google_ads_customer_match"] = GoogleAdsResource(
            base_url="https://googleads.googleapis.com",
            developer_token=dg.EnvVar("GOOGLE_ADS_DEVELOPER_TOKEN"),
            access_token=dg.EnvVar("GOOGLE_ADS_ACCESS_TOKEN"),
            customer_id=dg.EnvVar("GOOGLE_ADS_CUSTOMER_ID"),
        )
    else:
        resources["google_ads_customer_match"] = GoogleAdsResource(
            base_url=f"{sandbox}/google-ads",
            developer_token="sandbox",
            access_token="sandbox",
            customer_id="1234567890",
            uses_sandbox=True,
        )
    if settings.env("BRAZE_API_KEY"):
        resources["braze"] = BrazeResource(
            rest_endpoint=dg.EnvVar("BRAZE_REST_ENDPOINT"), api_key=dg.EnvVar("BRAZE_API_KEY")
        )
    else:
        resources["braze"] = BrazeResource(
            rest_endpoint=f"{sandbox}/braze", api_key="sandbox", uses_sandbox=True
        )
    if settings.env("AUDIENCE_WEBHOOK_URL"):
        resources["audience_webhook"] = AudienceWebhookResource(
            url=dg.EnvVar("AUDIENCE_WEBHOOK_URL"), secret=dg.EnvVar("AUDIENCE_WEBHOOK_SECRET")
        )
    else:
        resources["audience_webhook"] = AudienceWebhookResource(
            url=f"{sandbox}/webhook/audiences", secret=SANDBOX_SECRET, uses_sandbox=True
        )
    resources["audience_files"] = AudienceFilesResource(folder=str(settings.paths().exports / "audiences"))
    return resources


@dg.definitions
def activation_resources() -> dg.Definitions:
    return dg.Definitions(resources=destination_resources())
