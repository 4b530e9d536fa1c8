"""Braze's Custom Currents Export, as Braze documents it: batches of up to 100 events, ``{"events": [...]}``,
``Authorization: Bearer <token>`` and ``Braze-Currents-Version: 1``.

On an answer Braze: 2xx done; 400 resends the batch one event at a time and drops an event that gets 400
again; 413 splits the batch in halves; 429, 5xx and network errors are retried with exponential backoff and
jitter; 401, 403 and 404 mean a broken connector (Braze retries those for days, then disables the Current;
here they are reported at once).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from interaction_pipeline.sandbox.delivery import Deliverer, Drop, Request, Retry, Split

BATCH_SIZE = 100
RETRIED = frozenset({429}) | frozenset(range(500, 600))


class CurrentsExport:
    def __init__(self, collector_url: str, token: str, source: str = "braze", threads: int = 4) -> None:
        self.url = f"{collector_url.rstrip('/')}/webhooks/braze"
        self.headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Braze-Currents-Version": "1",
        }
        self.source = source
        self.deliverer = Deliverer(self.decide, threads=threads)

    def request(self, events: list[dict]) -> Request:
        body = orjson.dumps({"events": events})
        return Request(self.url, body, self.headers, len(events), self.source, parts=events)

    def batches(self, events: Iterable[dict]) -> Iterator[Request]:
        batch: list[dict] = []
        for event in events:
            batch.append(event)
            if len(batch) == BATCH_SIZE:
                yield self.request(batch)
                batch = []
        if batch:
            yield self.request(batch)

    def decide(self, request: Request, response) -> Retry | Split | Drop | None:
        if response is None:
            return Retry("network error")
        status = response.status_code
        if 200 <= status < 300:
            return None
        if status == 400:
            if request.events == 1:
                return Drop("Braze drops an event that is refused again on its own")
            return Split([self.request([event]) for event in request.parts])
        if status == 413 and request.events > 1:
            half = request.events // 2
            return Split([self.request(request.parts[:half]), self.request(request.parts[half:])])
        if status in RETRIED:
            return Retry(f"HTTP {status}")
        return Drop(f"HTTP {status}: the Current's credentials or URL are wrong")

    def export(self, events: Iterable[dict], on_progress=None):
        return self.deliverer.deliver(self.batches(events), on_progress)
