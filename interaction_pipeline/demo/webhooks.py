"""Play the partners that export by webhook: the sandbox's Braze and Customer.io stand-ins deliver the story's
events to the collector in their own formats, with their own batching, signatures and retries.

The story yields each webhook source's native events (``story.generator.WEBHOOK_SOURCES``); Braze posts them
as Currents batches with the bearer token, Customer.io one by one to the URL with the key, signed with the
signing key the demo attached to the source.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from interaction_pipeline.demo.sender import SendReport, send_events
from interaction_pipeline.sandbox.braze.currents import CurrentsExport
from interaction_pipeline.sandbox.customerio.webhooks import ReportingWebhooks
from interaction_pipeline.sandbox.delivery import DeliveryReport
from interaction_pipeline.story.generator import WEBHOOK_SOURCES


def deliver_webhooks(
    story,
    collector_url: str,
    write_keys: dict[str, str],
    signing_keys: dict[str, str],
    on_progress: Callable[[int], None] | None = None,
) -> list[DeliveryReport]:
    """Deliver every webhook source's events; blocks until each is acknowledged or given up."""
    braze = CurrentsExport(collector_url, write_keys["braze"])
    customerio = ReportingWebhooks(
        f"{collector_url}/webhooks/customerio/{write_keys['customerio']}", signing_keys.get("customerio")
    )
    return [
        braze.export(_events(story, "braze"), on_progress),
        customerio.deliver(_events(story, "customerio"), on_progress),
    ]


def _events(story, source: str):
    return (event for name, event in story.events() if name == source)


def send_story_events(
    story, url: str, write_keys, signing_keys, senders: int = 4, on_progress=None
) -> SendReport:
    """Tracking API and partner webhooks side by side; one report, as the summary and checks expect."""
    webhook_reports: list[DeliveryReport] = []

    def webhooks() -> None:
        webhook_reports.extend(deliver_webhooks(story, url, write_keys, signing_keys, on_progress))

    thread = threading.Thread(target=webhooks, name="demo-webhooks", daemon=True)
    thread.start()
    tracking = (item for item in story.events() if item[0] not in WEBHOOK_SOURCES)
    report = send_events(url, write_keys, tracking, senders=senders, on_progress=on_progress)
    thread.join()
    for delivered in webhook_reports:
        report.sent.update(delivered.sent)
        report.failed.update(delivered.failed)
        report.requests += delivered.requests
        report.retries += delivered.retries
        report.errors.extend(delivered.errors)
    return report
