"""Run object-source syncs: pick the client for a source, sync one collection, or several in a row.

One client (one HTTP session) per source serves all its collections. In a multi-collection run an
authentication failure or an unreachable vendor stops that source (every collection would fail the same way);
a permission error or any other failure stops only its collection. Everything else still syncs, and the
outcomes list what failed.
"""

from __future__ import annotations

from dataclasses import dataclass

from interaction_pipeline.sources import salesforce, stripe, zendesk
from interaction_pipeline.sources.endpoints import build_client, check_sandbox, configured_endpoint
from interaction_pipeline.sources.http import (
    HttpSettings,
    SourceAuthError,
    SourceError,
    SourceUnavailableError,
)
from interaction_pipeline.sources.report import Progress, SyncReport, no_progress
from interaction_pipeline.sources.salesforce_sync import sync_salesforce_collection
from interaction_pipeline.sources.stripe_sync import sync_stripe_collection
from interaction_pipeline.sources.zendesk_sync import sync_zendesk_collection
from interaction_pipeline.warehouse.engine import Connection

COLLECTIONS = {
    "stripe": stripe.COLLECTIONS,
    "zendesk": zendesk.COLLECTIONS,
    "salesforce": salesforce.COLLECTIONS,
}
SYNCS = {
    "stripe": sync_stripe_collection,
    "zendesk": sync_zendesk_collection,
    "salesforce": sync_salesforce_collection,
}


def sync_collection(
    conn: Connection,
    source: str,
    collection: str,
    client,
    endpoint: str,
    progress: Progress = no_progress,
) -> SyncReport:
    """Sync one collection with ``client``; the report counts only this collection's requests."""
    requests_before, waiting_before = client.http.stats.requests, client.http.stats.seconds_waiting
    report = SYNCS[source](conn, client, collection, endpoint, progress)
    report.requests = client.http.stats.requests - requests_before
    report.http_seconds = client.http.stats.seconds_waiting - waiting_before
    return report


def parse_targets(name: str | None) -> list[tuple[str, str]]:
    """``None`` = everything; ``stripe`` = its collections; ``stripe/customers`` = one collection."""
    if not name:
        return [(source, collection) for source, names in COLLECTIONS.items() for collection in names]
    source, _, collection = name.replace(".", "/").partition("/")
    if source not in COLLECTIONS:
        raise ValueError(f"unknown source {source!r}; choose from {', '.join(COLLECTIONS)}")
    if collection and collection not in COLLECTIONS[source]:
        raise ValueError(
            f"unknown {source} collection {collection!r}; choose from {', '.join(COLLECTIONS[source])}"
        )
    return [(source, collection)] if collection else [(source, c) for c in COLLECTIONS[source]]


@dataclass
class SyncOutcome:
    source: str
    collection: str
    report: SyncReport | None = None
    error: str | None = None


def sync_targets(
    conn: Connection,
    targets: list[tuple[str, str]],
    progress: Progress = no_progress,
    http_settings: HttpSettings | None = None,
) -> list[SyncOutcome]:
    outcomes: list[SyncOutcome] = []
    clients: dict[str, tuple[object, str]] = {}
    auth_failures: dict[str, str] = {}
    for source, collection in targets:
        if source in auth_failures:
            outcomes.append(SyncOutcome(source, collection, error=auth_failures[source]))
            continue
        try:
            if source not in clients:
                endpoint = configured_endpoint(source)
                if endpoint.uses_sandbox:
                    check_sandbox(endpoint)
                clients[source] = (build_client(endpoint, http_settings), endpoint.mode)
            client, endpoint_name = clients[source]
            report = sync_collection(conn, source, collection, client, endpoint_name, progress)
            outcomes.append(SyncOutcome(source, collection, report=report))
        except (SourceAuthError, SourceUnavailableError) as failure:
            auth_failures[source] = str(failure)
            outcomes.append(SyncOutcome(source, collection, error=str(failure)))
        except SourceError as failure:
            outcomes.append(SyncOutcome(source, collection, error=str(failure)))
    return outcomes
