"""Braze: suppression through the email blocklist, or subscription state through /users/track.

https://www.braze.com/docs/api/endpoints/email/post_blocklist/ and
https://www.braze.com/docs/api/endpoints/user_data/post_user_track/

Chosen per audience with `braze: {mode: blocklist}` (default) or `{mode: subscription}`:

- blocklist: entering members' addresses go to `POST /email/blocklist` (50 per call), which unsubscribes
  them and marks them hard-bounced. Exits call `POST /email/bounce/remove` to clear the bounce; the
  subscription is not restored, because nobody's opt-in can be inferred from leaving a suppression list.
- subscription: `POST /users/track` with 75 attribute objects per call, keyed by `external_id` (the
  audience's `user_id`) or else email. Every member gets the boolean attribute `<audience>` (true on entry,
  false on exit); members of a suppression audience are also set `unsubscribed` (in
  `subscription_group_id` when given, else `email_subscribe`) on entry. Exits never re-subscribe anyone.

A check asks Braze about a few confirmed members picked at random: in blocklist mode whether each address is
still hard-bounced (`GET /email/hard_bounces?email=`), in subscription mode whether each user still carries
the attribute (`POST /users/export/ids`). Members missing there mean the workspace lost what was sent (a
reset, a deleted user) and everyone is sent again.

Braze's rate limits are respected on our side (3,000 requests per 3 s for /users/track, 250,000 per hour for
the email endpoints) and a 429 waits for `Retry-After` / `X-RateLimit-Reset`.
"""

from __future__ import annotations

import collections
import time

from interaction_pipeline.destinations.account import url_account
from interaction_pipeline.destinations.base import BatchResult, Confirmed, OutRow
from interaction_pipeline.destinations.http import HttpSender
from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.http_client import RetryPolicy
from interaction_pipeline.warehouse.engine import Connection

BLOCKLIST_PER_CALL = 50
TRACK_OBJECTS_PER_CALL = 75
RATE_LIMITS = {"/users/track": (3_000, 3.0), "/email": (250_000, 3600.0)}


class RateLimiter:
    """At most `limit` calls per `window` seconds (a sliding window of send times)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.sent: collections.deque[float] = collections.deque()

    def wait(self) -> None:
        now = time.monotonic()
        while self.sent and now - self.sent[0] >= self.window:
            self.sent.popleft()
        if len(self.sent) >= self.limit:
            time.sleep(self.window - (now - self.sent[0]))
        self.sent.append(time.monotonic())


class BrazeDestination:
    name = "braze"
    confirms_on_close = False
    supports_replace = False

    def __init__(
        self, base_url: str, api_key: str, *, timeout: float = 30.0, policy: RetryPolicy | None = None
    ) -> None:
        self.endpoint = base_url.rstrip("/")
        self.account = url_account(base_url)
        self.http = HttpSender(
            self.endpoint, {"Authorization": f"Bearer {api_key}"}, timeout=timeout, policy=policy
        )
        self.limiters = {path: RateLimiter(*limit) for path, limit in RATE_LIMITS.items()}
        self.mode = "blocklist"
        self.attribute = ""
        self.suppression = True
        self.group: str | None = None

    def rows_per_batch(self, target: SyncTarget) -> int:
        if target.options.get("mode", "blocklist") == "blocklist":
            return BLOCKLIST_PER_CALL
        return TRACK_OBJECTS_PER_CALL

    def request_count(self) -> int:
        return self.http.requests

    def prepare(self, conn: Connection, target: SyncTarget, *, dry_run: bool) -> None:
        self.mode = target.options.get("mode", "blocklist")
        if self.mode not in ("blocklist", "subscription"):
            raise ValueError(f"braze mode must be blocklist or subscription, not {self.mode!r}")
        self.attribute = target.options.get("attribute", target.audience.name)
        self.suppression = target.audience.purpose == "suppression"
        self.group = target.options.get("subscription_group_id")

    def open(self, action: str, total_rows: int, total_batches: int) -> None:
        return None

    def _post(self, path: str, body: dict) -> tuple[dict, list[str]]:
        self.limiters["/users/track" if path == "/users/track" else "/email"].wait()
        response, retries = self.http.call("POST", path, json=body)
        return response.json(), retries

    def _user_object(self, payload: dict, entering: bool) -> dict:
        user = {**payload, self.attribute: entering}
        if entering and self.suppression:
            if self.group:
                user["subscription_groups"] = [
                    {"subscription_group_id": self.group, "subscription_state": "unsubscribed"}
                ]
            else:
                user["email_subscribe"] = "unsubscribed"
        return user

    def send(self, action: str, rows: list[OutRow], batch_seq: int) -> BatchResult:
        if self.mode == "blocklist":
            path = "/email/blocklist" if action == "add" else "/email/bounce/remove"
            _, retries = self._post(path, {"email": [row.payload for row in rows]})
            return BatchResult(counts={"emails_sent": len(rows)}, retries=retries)
        objects = [self._user_object(row.payload, action == "add") for row in rows]
        answer, retries = self._post("/users/track", {"attributes": objects})
        rejected = {}
        for error in answer.get("errors") or []:
            index = error.get("index")
            if error.get("input_array") == "attributes" and isinstance(index, int) and index < len(rows):
                rejected[rows[index].member_key] = f"Braze: {error.get('type', 'error')}"
        return BatchResult(
            rejected=rejected,
            counts={
                "attributes_processed": int(answer.get("attributes_processed", len(rows) - len(rejected)))
            },
            retries=retries,
        )

    def close(self, action: str) -> BatchResult:
        return BatchResult()

    def membership_days(self, target: SyncTarget) -> int | None:
        return None

    def _still_blocklisted(self, email: str) -> bool:
        self.limiters["/email"].wait()
        response, _ = self.http.call("GET", "/email/hard_bounces", params={"email": email})
        return any(entry.get("email") == email for entry in response.json().get("emails") or [])

    def _still_flagged(self, payload: dict) -> bool:
        ((key, value),) = payload.items()
        lookup = {
            "external_id": {"external_ids": [value]},
            "email": {"email_address": value},
            "phone": {"phone": value},
        }
        answer, _ = self._post(
            "/users/export/ids", {**lookup[key], "fields_to_export": [key, "custom_attributes"]}
        )
        users = answer.get("users") or []
        return any((user.get("custom_attributes") or {}).get(self.attribute) is True for user in users)

    def verify_remote(self, target: SyncTarget, confirmed: Confirmed) -> str | None:
        still_there = self._still_blocklisted if self.mode == "blocklist" else self._still_flagged
        missing = sum(not still_there(payload) for payload in confirmed.sample)
        if missing:
            return (
                f"Braze no longer holds {missing} of {len(confirmed.sample)} confirmed members checked "
                f"({'blocklist' if self.mode == 'blocklist' else f'attribute {self.attribute}'})"
            )
        return None

    def delete_remote_list(self, conn: Connection, target: SyncTarget) -> bool:
        return False

    def remote_list(self, conn: Connection, target: SyncTarget) -> tuple[None, None]:
        return None, None  # members are kept per user, not in a list of ours
