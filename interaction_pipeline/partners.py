"""Where each partner lives: its real API with the credentials set in the environment, or the local sandbox.

Every vendor the pipeline calls is resolved here and nowhere else: the object sources (Stripe, Zendesk,
Salesforce) and the audience destinations (Meta, Google Ads, Braze, the audience webhook). A vendor with
none of its variables set points at the sandbox (``INTERACTION_PIPELINE_SANDBOX_URL``, default
``http://127.0.0.1:8089``) with the credentials the sandbox accepts; with all of them set it points at the
real API. Setting only some of them is an error naming the missing ones, never a silent fall back to the
sandbox.

Resolvers read the environment through ``env`` (``settings.env`` unless given). Dagster resources pass their
own fields instead, so that their secrets stay ``dg.EnvVar``s the UI shows by name only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from interaction_pipeline import settings

LIVE = "live"
SANDBOX = "sandbox"

SANDBOX_URL_VARIABLE = "INTERACTION_PIPELINE_SANDBOX_URL"
DEFAULT_SANDBOX_PORT = 8089
DEFAULT_SANDBOX_URL = f"http://127.0.0.1:{DEFAULT_SANDBOX_PORT}"

# Credentials the sandbox accepts, and the ones clients without real credentials send it.
SANDBOX_STRIPE_KEY = "sk_test_sandbox"
SANDBOX_ZENDESK_EMAIL = "sandbox@example.com"
SANDBOX_ZENDESK_TOKEN = "sandbox-token"
SANDBOX_SALESFORCE_CLIENT_ID = "sandbox-client-id"
SANDBOX_SALESFORCE_CLIENT_SECRET = "sandbox-client-secret"
SANDBOX_WEBHOOK_SECRET = "sandbox"
# The destination stand-ins accept any token; these fill the shapes the real APIs expect.
SANDBOX_TOKEN = "sandbox"
SANDBOX_META_AD_ACCOUNT = "act_1000"
SANDBOX_GOOGLE_ADS_CUSTOMER = "1234567890"
SANDBOX_GOOGLE_ADS_CLIENT_ID = "sandbox-google-client-id.apps.googleusercontent.com"
SANDBOX_GOOGLE_ADS_CLIENT_SECRET = "sandbox-google-client-secret"
SANDBOX_GOOGLE_ADS_REFRESH_TOKEN = "1//sandbox-refresh-token"

META_API_VERSION = "v25.0"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
SALESFORCE_LOGIN_URL = "https://login.salesforce.com"

Env = Callable[[str], str | None]


class IncompleteCredentials(settings.FixableError, ValueError):
    """Some of a vendor's variables are set and others are not."""


@dataclass(frozen=True)
class Endpoint:
    """One vendor as a client calls it: base URL, what to authenticate with, and whether it is the sandbox."""

    vendor: str
    mode: str  # LIVE or SANDBOX
    url: str
    credentials: dict[str, str]  # what the vendor's client needs besides the URL, by argument name

    @property
    def uses_sandbox(self) -> bool:
        return self.mode == SANDBOX


def sandbox_url(env: Env = settings.env) -> str:
    return (env(SANDBOX_URL_VARIABLE) or DEFAULT_SANDBOX_URL).rstrip("/")


def _all_or_none(vendor: str, **values: str | None) -> list[str] | None:
    """The values in order when every one is set, None when none is; anything between is an error."""
    present = [name for name, value in values.items() if value]
    if not present:
        return None
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise IncompleteCredentials(
            f"{vendor}: {', '.join(present)} is set but {', '.join(missing)} is not; set all "
            f"of {', '.join(values)} (or none, to use the sandbox)"
        )
    return list(values.values())  # type: ignore[arg-type]


def _sandbox(vendor: str, path: str, env: Env, **credentials: str) -> Endpoint:
    return Endpoint(vendor, SANDBOX, f"{sandbox_url(env)}/{path}", credentials)


def stripe(env: Env = settings.env) -> Endpoint:
    """Stripe: a secret (or restricted read) key."""
    key = env("STRIPE_API_KEY")
    if key:
        return Endpoint("stripe", LIVE, "https://api.stripe.com", {"api_key": key})
    return _sandbox("stripe", "stripe", env, api_key=SANDBOX_STRIPE_KEY)


def zendesk(env: Env = settings.env) -> Endpoint:
    """Zendesk: the account's subdomain and an admin's email and API token."""
    given = _all_or_none(
        "zendesk",
        ZENDESK_SUBDOMAIN=env("ZENDESK_SUBDOMAIN"),
        ZENDESK_EMAIL=env("ZENDESK_EMAIL"),
        ZENDESK_API_TOKEN=env("ZENDESK_API_TOKEN"),
    )
    if given is None:
        return _sandbox(
            "zendesk", "zendesk", env, email=SANDBOX_ZENDESK_EMAIL, api_token=SANDBOX_ZENDESK_TOKEN
        )
    subdomain, email, token = given
    return Endpoint("zendesk", LIVE, f"https://{subdomain}.zendesk.com", {"email": email, "api_token": token})


def salesforce(env: Env = settings.env) -> Endpoint:
    """Salesforce: a connected app's client credentials; the URL is the login (token) endpoint."""
    given = _all_or_none(
        "salesforce",
        SALESFORCE_CLIENT_ID=env("SALESFORCE_CLIENT_ID"),
        SALESFORCE_CLIENT_SECRET=env("SALESFORCE_CLIENT_SECRET"),
    )
    if given is None:
        return _sandbox(
            "salesforce",
            "salesforce",
            env,
            client_id=SANDBOX_SALESFORCE_CLIENT_ID,
            client_secret=SANDBOX_SALESFORCE_CLIENT_SECRET,
        )
    client_id, client_secret = given
    login = env("SALESFORCE_LOGIN_URL") or SALESFORCE_LOGIN_URL
    return Endpoint("salesforce", LIVE, login, {"client_id": client_id, "client_secret": client_secret})


def meta(env: Env = settings.env) -> Endpoint:
    """Meta Custom Audiences: an access token and the ad account; the Graph API version is a setting."""
    version = env("META_API_VERSION") or META_API_VERSION
    given = _all_or_none(
        "meta", META_ACCESS_TOKEN=env("META_ACCESS_TOKEN"), META_AD_ACCOUNT_ID=env("META_AD_ACCOUNT_ID")
    )
    if given is None:
        return _sandbox(
            "meta",
            "meta",
            env,
            access_token=SANDBOX_TOKEN,
            ad_account_id=SANDBOX_META_AD_ACCOUNT,
            api_version=version,
        )
    token, account = given
    credentials = {"access_token": token, "ad_account_id": account, "api_version": version}
    return Endpoint("meta", LIVE, "https://graph.facebook.com", credentials)


def google_ads(env: Env = settings.env) -> Endpoint:
    """Google Ads Customer Match, with the settings Google's client libraries take (`google-ads.yaml` keys,
    or the same variables they read): a developer token, an OAuth client and its refresh token, the customer
    id, and the manager account's id (GOOGLE_ADS_LOGIN_CUSTOMER_ID) when access goes through one."""
    given = _all_or_none(
        "google_ads",
        GOOGLE_ADS_DEVELOPER_TOKEN=env("GOOGLE_ADS_DEVELOPER_TOKEN"),
        GOOGLE_ADS_CLIENT_ID=env("GOOGLE_ADS_CLIENT_ID"),
        GOOGLE_ADS_CLIENT_SECRET=env("GOOGLE_ADS_CLIENT_SECRET"),
        GOOGLE_ADS_REFRESH_TOKEN=env("GOOGLE_ADS_REFRESH_TOKEN"),
        GOOGLE_ADS_CUSTOMER_ID=env("GOOGLE_ADS_CUSTOMER_ID"),
    )
    if given is None:
        return _sandbox(
            "google_ads",
            "google-ads",
            env,
            developer_token=SANDBOX_TOKEN,
            customer_id=SANDBOX_GOOGLE_ADS_CUSTOMER,
            client_id=SANDBOX_GOOGLE_ADS_CLIENT_ID,
            client_secret=SANDBOX_GOOGLE_ADS_CLIENT_SECRET,
            refresh_token=SANDBOX_GOOGLE_ADS_REFRESH_TOKEN,
            token_url=f"{sandbox_url(env)}/google-ads/token",
        )
    developer, client_id, client_secret, refresh_token, customer = given
    credentials = {
        "developer_token": developer,
        "customer_id": customer,
        "client_id": client_id,
        "client_secret": client_secret,
        "refresh_token": refresh_token,
        "token_url": GOOGLE_TOKEN_URL,
    }
    if env("GOOGLE_ADS_LOGIN_CUSTOMER_ID"):
        credentials["login_customer_id"] = env("GOOGLE_ADS_LOGIN_CUSTOMER_ID")
    return Endpoint("google_ads", LIVE, "https://googleads.googleapis.com", credentials)


def braze(env: Env = settings.env) -> Endpoint:
    """Braze: the instance's REST endpoint and a REST API key."""
    given = _all_or_none(
        "braze", BRAZE_REST_ENDPOINT=env("BRAZE_REST_ENDPOINT"), BRAZE_API_KEY=env("BRAZE_API_KEY")
    )
    if given is None:
        return _sandbox("braze", "braze", env, api_key=SANDBOX_TOKEN)
    rest_endpoint, key = given
    return Endpoint("braze", LIVE, rest_endpoint, {"api_key": key})


def audience_webhook(env: Env = settings.env) -> Endpoint:
    """The audience webhook: the receiver's URL and the secret the bodies are signed with."""
    given = _all_or_none(
        "webhook",
        AUDIENCE_WEBHOOK_URL=env("AUDIENCE_WEBHOOK_URL"),
        AUDIENCE_WEBHOOK_SECRET=env("AUDIENCE_WEBHOOK_SECRET"),
    )
    if given is None:
        return _sandbox("webhook", "webhook/audiences", env, secret=SANDBOX_WEBHOOK_SECRET)
    url, secret = given
    return Endpoint("webhook", LIVE, url, {"secret": secret})
