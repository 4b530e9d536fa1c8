"""Play the partner side: post the story's events to the collector's ``/v1/batch``, one write key per source.

Each source's messages are packed into batches the way Segment's libraries pack them (at most 500 messages and
475,000 bytes, ``sentAt`` stamped when the request leaves), authenticated with HTTP Basic (write key as the
user name, empty password) and sent by several concurrent senders. Retryable answers (429, 5xx, dropped
connections) are retried with backoff, honouring ``Retry-After``, like analytics-python does; ``messageId``
stays the same on a retry, so a retry never duplicates an event.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import orjson
import requests

from interaction_pipeline.sandbox.delivery import DeliveryReport

BATCH_MAX_MESSAGES = 500
BATCH_MAX_BYTES = 475_000
RETRYABLE = frozenset({408, 410, 429, 460, 500, 502, 503, 504})
MAX_ATTEMPTS = 10


# What was accepted and refused per source; the same report the partner stand-ins fill.
SendReport = DeliveryReport


def batches(events: Iterable[tuple[str, dict]]) -> Iterable[tuple[str, list[bytes]]]:
    """Group encoded messages per source into batches below the Tracking API's limits."""
    pending: dict[str, list[bytes]] = {}
    sizes: Counter = Counter()
    for source, message in events:
        encoded = orjson.dumps(message)
        items = pending.setdefault(source, [])
        if items and (len(items) >= BATCH_MAX_MESSAGES or sizes[source] + len(encoded) > BATCH_MAX_BYTES):
            yield source, items
            items = pending[source] = []
            sizes[source] = 0
        items.append(encoded)
        sizes[source] += len(encoded) + 1
    for source, items in pending.items():
        if items:
            yield source, items


def batch_body(items: list[bytes]) -> bytes:
    sent_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return b'{"batch":[' + b",".join(items) + b'],"sentAt":"' + sent_at.encode() + b'"}'


def _retry_delay(response: requests.Response | None, attempt: int) -> float:
    if response is not None and response.headers.get("Retry-After", "").isdigit():
        return min(300.0, float(response.headers["Retry-After"]))
    return min(60.0, 0.25 * 2**attempt)


def post_batch(
    session: requests.Session,
    url: str,
    write_key: str,
    items: list[bytes],
    report: SendReport,
    source: str,
    lock: threading.Lock,
) -> None:
    response = None
    for attempt in range(MAX_ATTEMPTS):
        try:
            response = session.post(
                f"{url}/v1/batch",
                data=batch_body(items),
                auth=(write_key, ""),
                headers={"Content-Type": "application/json"},
                timeout=60,
            )
        except requests.ConnectionError:
            response = None
        with lock:
            report.requests += 1
        if response is not None and response.status_code == 200:
            with lock:
                report.sent[source] += len(items)
            return
        if response is not None and response.status_code not in RETRYABLE:
            break
        with lock:
            report.retries += 1
        time.sleep(_retry_delay(response, attempt))
    with lock:
        report.failed[source] += len(items)
        detail = response.text[:200] if response is not None else "no answer"
        report.errors.append(f"{source}: {detail}")


def send_events(
    url: str,
    write_keys: dict[str, str],
    events: Iterable[tuple[str, dict]],
    senders: int = 4,
    on_progress: Callable[[int], None] | None = None,
) -> SendReport:
    """Send every event; returns what was accepted and refused per source. Blocks until all are answered."""
    report = SendReport()
    lock = threading.Lock()
    work: queue.Queue = queue.Queue(maxsize=senders * 4)

    def sender() -> None:
        with requests.Session() as session:
            while (job := work.get()) is not None:
                source, items = job
                post_batch(session, url, write_keys[source], items, report, source, lock)
                if on_progress:
                    on_progress(len(items))

    threads = [threading.Thread(target=sender, name=f"demo-sender-{n}", daemon=True) for n in range(senders)]
    for thread in threads:
        thread.start()
    try:
        for job in batches(events):
            work.put(job)
    finally:
        for _ in threads:
            work.put(None)
        for thread in threads:
            thread.join()
    return report
