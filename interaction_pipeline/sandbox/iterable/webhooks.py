"""Iterable's System Webhooks, as Iterable documents them: one JSON event per POST, ``Content-Type:
application/json``, and the ``Authorization`` header the webhook is configured with (here ``Bearer <key>``,
set as a custom header). Failed calls are retried with backoff; Iterable does not guarantee delivery.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from interaction_pipeline.sandbox.delivery import Deliverer, Request, retry_server_errors


class SystemWebhooks:
    def __init__(self, collector_url: str, key: str, source: str = "iterable", threads: int = 8) -> None:
        self.url = f"{collector_url.rstrip('/')}/webhooks/iterable"
        self.headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
        self.source = source
        self.deliverer = Deliverer(retry_server_errors, threads=threads)

    def requests(self, events: Iterable[dict]) -> Iterator[Request]:
        for event in events:
            yield Request(self.url, orjson.dumps(event), self.headers, 1, self.source)

    def deliver(self, events: Iterable[dict], on_progress=None):
        return self.deliverer.deliver(self.requests(events), on_progress)
