"""Each vendor resolves to its real API when all its variables are set, to the sandbox when none is."""

from __future__ import annotations

import pytest

from interaction_pipeline import partners


def environment(**values: str):
    return values.get


def test_with_no_variables_every_vendor_points_at_the_sandbox_with_the_credentials_it_accepts():
    env = environment(INTERACTION_PIPELINE_SANDBOX_URL="http://sandbox.test:9000/")
    resolved = {
        resolve.__name__: resolve(env)
        for resolve in (
            partners.stripe,
            partners.zendesk,
            partners.salesforce,
            partners.meta,
            partners.google_ads,
            partners.braze,
            partners.audience_webhook,
        )
    }
    assert all(endpoint.mode == partners.SANDBOX for endpoint in resolved.values())
    assert {name: endpoint.url for name, endpoint in resolved.items()} == {
        "stripe": "http://sandbox.test:9000/stripe",
        "zendesk": "http://sandbox.test:9000/zendesk",
        "salesforce": "http://sandbox.test:9000/salesforce",
        "meta": "http://sandbox.test:9000/meta",
        "google_ads": "http://sandbox.test:9000/google-ads",
        "braze": "http://sandbox.test:9000/braze",
        "audience_webhook": "http://sandbox.test:9000/webhook/audiences",
    }
    assert resolved["stripe"].credentials == {"api_key": partners.SANDBOX_STRIPE_KEY}
    assert resolved["audience_webhook"].credentials == {"secret": partners.SANDBOX_WEBHOOK_SECRET}


def test_the_sandbox_url_defaults_to_the_local_port():
    assert partners.stripe(environment()).url == f"{partners.DEFAULT_SANDBOX_URL}/stripe"


def test_a_vendor_with_all_its_variables_points_at_its_real_api():
    zendesk = partners.zendesk(
        environment(ZENDESK_SUBDOMAIN="acme", ZENDESK_EMAIL="ops@acme.test", ZENDESK_API_TOKEN="t0k")
    )
    assert (zendesk.mode, zendesk.url) == (partners.LIVE, "https://acme.zendesk.com")
    assert zendesk.credentials == {"email": "ops@acme.test", "api_token": "t0k"}
    salesforce = partners.salesforce(environment(SALESFORCE_CLIENT_ID="id", SALESFORCE_CLIENT_SECRET="s"))
    assert salesforce.url == "https://login.salesforce.com"


def test_some_variables_without_the_others_is_an_error_naming_the_missing_ones():
    with pytest.raises(partners.IncompleteCredentials) as failure:
        partners.google_ads(environment(GOOGLE_ADS_REFRESH_TOKEN="a"))
    message = str(failure.value)
    assert message.startswith("google_ads: GOOGLE_ADS_REFRESH_TOKEN is set but ")
    assert (
        "GOOGLE_ADS_DEVELOPER_TOKEN, GOOGLE_ADS_CLIENT_ID, GOOGLE_ADS_CLIENT_SECRET, GOOGLE_ADS_CUSTOMER_ID "
        "is not" in message
    )


def test_google_ads_takes_an_oauth_client_and_refresh_token_and_an_optional_manager_account():
    settings = {
        "GOOGLE_ADS_DEVELOPER_TOKEN": "dev",
        "GOOGLE_ADS_CLIENT_ID": "123.apps.googleusercontent.com",
        "GOOGLE_ADS_CLIENT_SECRET": "shh",
        "GOOGLE_ADS_REFRESH_TOKEN": "1//r",
        "GOOGLE_ADS_CUSTOMER_ID": "123-456-7890",
    }
    direct = partners.google_ads(environment(**settings))
    assert (direct.mode, direct.url) == (partners.LIVE, "https://googleads.googleapis.com")
    assert direct.credentials["token_url"] == "https://oauth2.googleapis.com/token"
    assert "login_customer_id" not in direct.credentials
    managed = partners.google_ads(environment(**settings, GOOGLE_ADS_LOGIN_CUSTOMER_ID="9876543210"))
    assert managed.credentials["login_customer_id"] == "9876543210"
    sandbox = partners.google_ads(environment())
    assert sandbox.credentials["token_url"] == f"{partners.DEFAULT_SANDBOX_URL}/google-ads/token"
