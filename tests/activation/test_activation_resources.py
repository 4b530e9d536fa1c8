"""Destination resources point at the sandbox without credentials and at the vendors with them."""

from interaction_pipeline.defs.activation.resources import destination_resources


def test_without_credentials_every_destination_uses_the_sandbox(pipeline_home, monkeypatch):
    monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", "http://127.0.0.1:8089/")
    for name in ("META_ACCESS_TOKEN", "GOOGLE_ADS_DEVELOPER_TOKEN", "BRAZE_API_KEY", "AUDIENCE_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    resources = destination_resources()
    endpoints = {key: resource.destination().endpoint for key, resource in resources.items()}
    assert endpoints == {
        "meta_audiences": "http://127.0.0.1:8089/meta/v25.0",
        "google_ads_customer_match": "http://127.0.0.1:8089/google-ads/v22",
        "braze": "http://127.0.0.1:8089/braze",
        "audience_webhook": "http://127.0.0.1:8089/webhook/audiences",
        "audience_files": str(pipeline_home / "exports" / "audiences"),
    }
    assert all(r.uses_sandbox for key, r in resources.items() if key != "audience_files")


def test_credentials_switch_a_destination_to_the_real_api(pipeline_home, monkeypatch):
    monkeypatch.setenv("META_ACCESS_TOKEN", "secret-token")
    monkeypatch.setenv("META_AD_ACCOUNT_ID", "12345")
    monkeypatch.setenv("META_API_VERSION", "v26.0")
    resource = destination_resources()["meta_audiences"]
    assert not resource.uses_sandbox
    destination = resource.process_config_and_initialize().destination()
    assert destination.endpoint == "https://graph.facebook.com/v26.0"
    assert destination.ad_account_id == "act_12345"
    assert destination.http.session.headers["Authorization"] == "Bearer secret-token"
