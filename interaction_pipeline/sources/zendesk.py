"""Zendesk client: the cursor-based incremental exports for tickets, users and organizations.

The first request gives ``start_time``; every later one the previous ``after_cursor``, until
``end_of_stream``.
Zendesk allows 10 requests per minute on these endpoints, so the client spaces its own requests (the limit is
a setting, raised for the sandbox and tests) and still honours a 429's ``Retry-After`` through the session.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from interaction_pipeline.sources.http import HttpClient, HttpSettings

COLLECTIONS = ("tickets", "users", "organizations")
# Zendesk offers the cursor-based export for tickets and users only; organizations have the time-based one.
TIME_BASED = {"organizations"}
PAGE_SIZE = 1000
DEFAULT_REQUESTS_PER_MINUTE = 10


@dataclass
class ExportPage:
    items: list[dict]
    after_cursor: str
    end_of_stream: bool


class RequestSpacer:
    """Client-side rate limit: at most ``per_minute`` requests in any 60-second window (0 = unlimited)."""

    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self.sent: list[float] = []
        self.lock = threading.Lock()
        self.seconds_waited = 0.0

    def wait(self) -> None:
        if self.per_minute <= 0:
            return
        with self.lock:
            now = time.monotonic()
            self.sent = [moment for moment in self.sent if now - moment < self.window]
            if len(self.sent) >= self.per_minute:
                pause = self.window - (now - self.sent[0])
                self.seconds_waited += pause
                time.sleep(pause)
            self.sent.append(time.monotonic())


class ZendeskClient:
    def __init__(
        self,
        base_url: str,
        email: str,
        api_token: str,
        requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE,
        http_settings: HttpSettings | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = HttpClient(
            "zendesk", "ZENDESK_SUBDOMAIN, ZENDESK_EMAIL and ZENDESK_API_TOKEN", http_settings
        )
        self.http.session.auth = (f"{email}/token", api_token)
        self.spacer = RequestSpacer(requests_per_minute)

    def export_pages(
        self, collection: str, start_time: int | None = None, cursor: str | None = None
    ) -> Iterator[ExportPage]:
        """Pages of changed objects from ``cursor`` (or ``start_time`` at first) to the end of the stream."""
        url = f"{self.base_url}/api/v2/incremental/{collection}/cursor.json"
        while True:
            params: dict[str, str | int] = {"per_page": PAGE_SIZE}
            if cursor:
                params["cursor"] = cursor
            else:
                params["start_time"] = start_time or 0
            self.spacer.wait()
            body = self.http.get_json(url, params, collection=collection)
            page = ExportPage(
                body.get(collection, []),
                body.get("after_cursor") or cursor or "",
                bool(body.get("end_of_stream")),
            )
            yield page
            if page.end_of_stream or not page.after_cursor:
                return
            cursor = page.after_cursor

    def time_based_pages(self, collection: str, start_time: int) -> Iterator[ExportPage]:
        """Pages of the time-based export from ``start_time``; ``after_cursor`` holds the page's ``end_time``.

        Each page starts at the previous page's ``end_time``, so objects of that second can come twice (the
        upsert absorbs them) but never fall between pages.
        """
        url = f"{self.base_url}/api/v2/incremental/{collection}.json"
        while True:
            self.spacer.wait()
            body = self.http.get_json(
                url, {"start_time": start_time, "per_page": PAGE_SIZE}, collection=collection
            )
            end_time = int(body.get("end_time") or start_time)
            page = ExportPage(body.get(collection, []), str(end_time), bool(body.get("end_of_stream")))
            yield page
            if page.end_of_stream or end_time == start_time:
                return
            start_time = end_time
