"""What ``sources create`` tells a user to paste into the partner: the webhook URL and where the key goes."""

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
            f"Send with any Segment library or the HTTP API to {public_url()}/v1/batch (key as Basic user)."
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
