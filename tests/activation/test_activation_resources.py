"""Destination resources point at the sandbox without credentials and at the vendors with them."""

import dagster as dg
import pytest
from activation_helpers import KEYS, materialize, write_audiences

from interaction_pipeline.defs.activation.definitions import activation_definitions
from interaction_pipeline.defs.activation.resources import destination_resources
from interaction_pipeline.defs.failures import first_line
from interaction_pipeline.defs.resources import warehouse_resource

DESTINATION_SETTINGS = [
    "META_ACCESS_TOKEN",
    "META_AD_ACCOUNT_ID",
    "META_API_VERSION",
    "GOOGLE_ADS_DEVELOPER_TOKEN",
    "GOOGLE_ADS_CLIENT_ID",
    "GOOGLE_ADS_CLIENT_SECRET",
    "GOOGLE_ADS_REFRESH_TOKEN",
    "GOOGLE_ADS_CUSTOMER_ID",
    "GOOGLE_ADS_LOGIN_CUSTOMER_ID",
    "BRAZE_REST_ENDPOINT",
    "BRAZE_API_KEY",
    "AUDIENCE_WEBHOOK_URL",
    "AUDIENCE_WEBHOOK_SECRET",
]


@pytest.fixture
def no_destination_settings(monkeypatch):
    for name in DESTINATION_SETTINGS:
        monkeypatch.delenv(name, raising=False)


def test_without_credentials_every_destination_uses_the_sandbox(
    pipeline_home, monkeypatch, no_destination_settings
):
    monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", "http://127.0.0.1:8089/")
    resources = {
        key: resource.process_config_and_initialize() for key, resource in destination_resources().items()
    }
    endpoints = {key: resource.destination().endpoint for key, resource in resources.items()}
    assert endpoints == {
        "meta_audiences": "http://127.0.0.1:8089/meta/v25.0",
        "google_ads_customer_match": "http://127.0.0.1:8089/google-ads/v22",
        "braze": "http://127.0.0.1:8089/braze",
        "audience_webhook": "http://127.0.0.1:8089/webhook/audiences",
        "audience_files": str(pipeline_home / "exports" / "audiences"),
    }
    assert all(r.uses_sandbox for key, r in resources.items() if key != "audience_files")


def test_credentials_switch_a_destination_to_the_real_api(
    pipeline_home, monkeypatch, no_destination_settings
):
    monkeypatch.setenv("META_ACCESS_TOKEN", "secret-token")
    monkeypatch.setenv("META_AD_ACCOUNT_ID", "12345")
    monkeypatch.setenv("META_API_VERSION", "v26.0")
    unresolved = destination_resources()["meta_audiences"]
    assert unresolved.meta_access_token == dg.EnvVar("META_ACCESS_TOKEN")  # the UI shows the name only
    resource = unresolved.process_config_and_initialize()
    assert not resource.uses_sandbox
    destination = resource.destination()
    assert destination.endpoint == "https://graph.facebook.com/v26.0"
    assert destination.ad_account_id == "act_12345"
    assert destination.http.session.headers["Authorization"] == "Bearer secret-token"


def test_half_configured_credentials_fail_the_run_naming_the_missing_variable(
    pipeline_home, monkeypatch, no_destination_settings
):
    monkeypatch.setenv("BRAZE_API_KEY", "key")
    resource = destination_resources()["braze"].process_config_and_initialize()
    with pytest.raises(ValueError, match="braze: BRAZE_API_KEY is set but BRAZE_REST_ENDPOINT is not"):
        resource.destination()


def test_half_the_meta_credentials_fails_a_sync_with_one_line_naming_the_fix(
    pipeline_home, monkeypatch, no_destination_settings
):
    monkeypatch.setenv("META_ACCESS_TOKEN", "EAAB-secret")
    write_audiences(pipeline_home / "warehouse.duckdb", ["a@x.com"], [])
    assets = [a for a in activation_definitions(KEYS).assets if isinstance(a, dg.AssetsDefinition)]
    resources = {**destination_resources(), "warehouse": warehouse_resource()}
    with dg.DagsterInstance.ephemeral() as instance:
        result = materialize(assets, resources, "promo__meta", instance)
    (failure,) = [event for event in result.all_events if event.event_type_value == "STEP_FAILURE"]
    error = failure.event_specific_data.error
    assert (error.cls_name, error.cause) == ("Failure", None)  # the run's error, with no chained one under it
    line = (
        "meta: META_ACCESS_TOKEN is set but META_AD_ACCOUNT_ID is not; set all of META_ACCESS_TOKEN, "
        "META_AD_ACCOUNT_ID (or none, to use the sandbox)"
    )
    assert first_line(error) == line
    assert failure.event_specific_data.user_failure_data.description == line
