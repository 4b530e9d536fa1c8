"""What ``sources create`` tells a user: the endpoint, what to paste into the partner (the webhook URL and
where the key goes), and a `curl` that checks the key and the URL against the running collector."""

from __future__ import annotations

from interaction_pipeline import settings
from interaction_pipeline.collector.webhooks.partners import PARTNERS

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8088"
PAGES = {  # docs/partners/<page>.md
    "braze": "braze",
    "customerio": "customerio",
    "iterable": "iterable",
    "freshchat": "freshchat",
    "delighted": "delighted",
    "statsig": "statsig",
}


def public_url() -> str:
    """The collector's address as partners reach it (behind your TLS proxy)."""
    return (settings.env("INTERACTION_PIPELINE_COLLECTOR_URL") or DEFAULT_PUBLIC_URL).rstrip("/")


def instructions(kind: str) -> list[str]:
    """Lines for the partner of ``kind``; empty for kinds that use the Tracking API (website, server, ...)."""
    partner = PARTNERS.get(kind)
    if partner is None:
        return [
            f"Endpoint: {public_url()}/v1/batch (and /v1/track, /v1/identify, ...): set a Segment library's "
            f"host to {public_url()}; the write key is the HTTP Basic user."
        ]
    url = f"{public_url()}/webhooks/{kind}"
    lines = [f"In {kind}'s {partner.export}, use the webhook URL:"]
    lines.append(f"  {url}/<write key>" if partner.path_key else f"  {url}")
    lines.append(f"and put the write key in {partner.key_in}.")
    if partner.signature:
        lines.append(
            "To have requests verified, attach its signing key: interaction-pipeline sources secret NAME"
        )
    lines.append(f"Step by step: docs/partners/{PAGES[kind]}.md")
    return lines


def endpoint(kind: str) -> str:
    """Where sources of ``kind`` send: the partner's webhook path, or the Tracking API's batch endpoint."""
    partner = PARTNERS.get(kind)
    if partner is None:
        return f"{public_url()}/v1/batch"
    url = f"{public_url()}/webhooks/{kind}"
    return f"{url}/<write key>" if partner.path_key else url


def test_command(kind: str) -> str:
    """A `curl` that sends to the collector as the source will, with the key read from ``$WRITE_KEY``. For a
    partner it is an empty request, which the collector answers 200 when the key and URL are right (as Braze
    checks a new Current); for the Tracking API a `Test Event` the debugger shows."""
    partner = PARTNERS.get(kind)
    if partner is None:
        return (
            f"curl -u \"$WRITE_KEY:\" -H 'Content-Type: application/json' "
            f'-d \'{{"userId": "test-user", "event": "Test Event"}}\' {public_url()}/v1/track'
        )
    if partner.path_key:
        return f"curl -X POST {public_url()}/webhooks/{kind}/$WRITE_KEY"
    return f'curl -X POST -H "Authorization: Bearer $WRITE_KEY" {public_url()}/webhooks/{kind}'
