"""What a sync asset's materialization records, laid out for the Dagster UI.

The UI plots every number of an asset's metadata over its materializations, one chart per key. So the
numbers are the five a user follows from run to run: the members sent to the destination, and the members
added, removed, failed and unmatched. Everything else (planned changes, renewals, requests, the vendor's own
counts, the guard settings, unmatched reasons) goes into one `details` JSON entry, where nothing constant
draws a flat line. Beside them: the status and its reason, the account and the remote list with a link to it
in the vendor's UI, and a few sample rows of what was sent (or, in a dry run, would be).

Dagster's event log keeps all of it for good, so the endpoint loses any credential in its URL and the sample
rows are masked (`interaction_pipeline.privacy`): emails and phone numbers become `[email]` and `[phone]`,
while the SHA-256 digests the ad platforms get stay as they are.
"""

from __future__ import annotations

import dagster as dg

from interaction_pipeline.destinations.outcome import SyncOutcome
from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.privacy import masked_document, masked_url

PLOTTED = ("members", "added", "removed", "failed", "unmatched")


def sync_status(outcome: SyncOutcome) -> str:
    if outcome.dry_run:
        return "dry run"
    if outcome.blocked:
        return "blocked"
    return "partial" if outcome.failed else "completed"


def _details(outcome: SyncOutcome, target: SyncTarget) -> dict:
    figures = {key: value for key, value in outcome.metadata().items() if key not in PLOTTED}
    figures.pop("account", None)
    figures.pop("remote_id", None)
    figures["confirmed_before"] = outcome.confirmed_before
    figures["guards"] = {
        "min_size": target.min_size,
        "max_removal_share": target.audience.max_removal_share,
        "max_suppressed_share": target.audience.max_suppressed_share,
    }
    return figures


def outcome_metadata(outcome: SyncOutcome, target: SyncTarget, uses_sandbox: bool) -> dict:
    status = sync_status(outcome)
    reasons = [outcome.blocked, outcome.drift, *outcome.notes]
    metadata: dict = {name: dg.MetadataValue.int(getattr(outcome, name)) for name in PLOTTED}
    metadata.update(
        {
            "status": dg.MetadataValue.text(status),
            "reason": dg.MetadataValue.text("; ".join(r for r in reasons if r) or status),
            "account": dg.MetadataValue.text(outcome.account),
            "endpoint": dg.MetadataValue.text(masked_url(outcome.endpoint)),
            "sandbox": dg.MetadataValue.bool(uses_sandbox),
            "dry_run": dg.MetadataValue.bool(outcome.dry_run),
            "sync_id": dg.MetadataValue.text(outcome.sync_id),
            "details": dg.MetadataValue.json(_details(outcome, target)),
            "sample_adds": dg.MetadataValue.json(masked_document(outcome.sample_adds)),
            "sample_removes": dg.MetadataValue.json(masked_document(outcome.sample_removes)),
        }
    )
    if outcome.remote_id:
        metadata["remote_id"] = dg.MetadataValue.text(outcome.remote_id)
    if outcome.remote_url and not uses_sandbox:
        metadata["remote_link"] = dg.MetadataValue.url(outcome.remote_url)
    return metadata
