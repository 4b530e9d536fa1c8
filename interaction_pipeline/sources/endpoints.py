"""An object source's client, pointed where `partners` says the vendor lives; a fast check for the sandbox."""

from __future__ import annotations

import requests

from interaction_pipeline import partners, settings
from interaction_pipeline.sources import salesforce, stripe, zendesk
from interaction_pipeline.sources.http import HttpSettings, SourceAuthError, SourceUnavailableError

RESOLVERS = {"stripe": partners.stripe, "zendesk": partners.zendesk, "salesforce": partners.salesforce}
CREDENTIAL_HINTS = {
    "stripe": "STRIPE_API_KEY",
    "zendesk": "ZENDESK_SUBDOMAIN/ZENDESK_EMAIL/ZENDESK_API_TOKEN",
    "salesforce": "SALESFORCE_CLIENT_ID/SALESFORCE_CLIENT_SECRET",
}


def configured_endpoint(source: str, env: partners.Env = settings.env) -> partners.Endpoint:
    """Where ``source`` lives; half-configured credentials fail like rejected ones, naming the setting."""
    try:
        return RESOLVERS[source](env)
    except partners.IncompleteCredentials as problem:
        raise SourceAuthError(str(problem)) from problem


def build_client(endpoint: partners.Endpoint, http_settings: HttpSettings | None = None):
    credentials = endpoint.credentials
    if endpoint.vendor == "stripe":
        return stripe.StripeClient(endpoint.url, credentials["api_key"], http_settings)
    if endpoint.vendor == "zendesk":
        # The sandbox enforces Zendesk's limit itself when asked to; a client-side budget would only slow it.
        per_minute = 0 if endpoint.uses_sandbox else zendesk.DEFAULT_REQUESTS_PER_MINUTE
        return zendesk.ZendeskClient(
            endpoint.url, credentials["email"], credentials["api_token"], per_minute, http_settings
        )
    return salesforce.SalesforceClient(
        endpoint.url, credentials["client_id"], credentials["client_secret"], http_settings
    )


def unreachable_sandbox(sources: set[str], env: partners.Env = settings.env) -> tuple[set[str], str] | None:
    """The sources that would sync from a sandbox that is not answering, and one line saying so and what to
    do; None when the sandbox answers or no source uses it."""
    sandboxed = []
    for source in (name for name in RESOLVERS if name in sources):
        try:
            if configured_endpoint(source, env).uses_sandbox:
                sandboxed.append(source)
        except SourceAuthError:
            continue  # half-configured credentials: the sync itself says which are missing
    if not sandboxed or _sandbox_answers(env):
        return None
    hints = "; ".join(CREDENTIAL_HINTS[source] for source in sandboxed)
    they = "they sync" if len(sandboxed) > 1 else "it syncs"
    return set(sandboxed), (
        f"{', '.join(sandboxed)}: no credentials are set, so {they} from the sandbox at "
        f"{partners.sandbox_url(env)}, which is not answering; start it with `interaction-pipeline sandbox`, "
        f"set {partners.SANDBOX_URL_VARIABLE}, or set the credentials ({hints})"
    )


def _sandbox_answers(env: partners.Env) -> bool:
    try:
        requests.get(f"{partners.sandbox_url(env)}/_sandbox/health", timeout=3).raise_for_status()
    except requests.RequestException:
        return False
    return True


def check_sandbox(endpoint: partners.Endpoint, env: partners.Env = settings.env) -> None:
    """Fail fast, with the fix in the message, when a source without credentials finds no sandbox running."""
    try:
        requests.get(f"{partners.sandbox_url(env)}/_sandbox/health", timeout=3).raise_for_status()
    except requests.RequestException as failure:
        raise SourceUnavailableError(
            f"{endpoint.vendor}: no credentials are set ({CREDENTIAL_HINTS[endpoint.vendor]}), so it syncs "
            f"from the sandbox at {endpoint.url}, which is not answering ({type(failure).__name__}); start "
            f"it with `interaction-pipeline sandbox` or set {partners.SANDBOX_URL_VARIABLE}"
        ) from failure
