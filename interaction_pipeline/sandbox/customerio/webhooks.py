"""Customer.io's Reporting Webhooks, as Customer.io documents them: one event per POST to the webhook URL,
signed with ``X-CIO-Signature`` (hex HMAC-SHA256 of ``v0:<X-CIO-Timestamp>:<body>``), a 4 second timeout.

Customer.io retries a timed-out or failed call with exponential backoff for seven days, and waits an hour
first on 4xx answers; here 5xx, 429 and timeouts are retried with backoff and other 4xx reported at once
(an hour's wait has no place in a demo).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

import orjson

from interaction_pipeline.collector.webhooks.signatures import sign_customerio
from interaction_pipeline.sandbox.delivery import Deliverer, Request, retry_server_errors

TIMEOUT_SECONDS = 4.0


class ReportingWebhooks:
    def __init__(
        self, webhook_url: str, signing_key: str | None, source: str = "customerio", threads: int = 8
    ) -> None:
        self.url = webhook_url
        self.signing_key = signing_key
        self.source = source
        self.deliverer = Deliverer(retry_server_errors, threads=threads, timeout=TIMEOUT_SECONDS)

    def requests(self, events: Iterable[dict]) -> Iterator[Request]:
        for event in events:
            body = orjson.dumps(event)
            headers = {"Content-Type": "application/json"}
            if self.signing_key:
                timestamp = str(int(time.time()))
                headers["X-CIO-Timestamp"] = timestamp
                headers["X-CIO-Signature"] = sign_customerio(self.signing_key, timestamp, body)
            yield Request(self.url, body, headers, 1, self.source)

    def deliver(self, events: Iterable[dict], on_progress=None):
        return self.deliverer.deliver(self.requests(events), on_progress)
