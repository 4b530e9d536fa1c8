"""Webhook: Segment-style messages for audience changes, signed with HMAC-SHA256.

The messages are the ones Segment Engage sends event destinations for an audience:
https://www.twilio.com/docs/segment/engage/using-engage-data

Each member who enters gets an `identify` with the trait `<audience>: true` and a `track` "Audience Entered";
each member who leaves gets the trait set to false and "Audience Exited". Properties carry `audience_key`,
`context.personas` names the computation, and `integrations` routes to this destination only. Messages go in
Segment batch bodies (`{"batch": [...]}`, 100 members per request), each signed as Stripe signs its webhooks:
`X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with AUDIENCE_WEBHOOK_SECRET>`. The
time is signed with the body, so a receiver that refuses signatures older than a few minutes cannot be fed a
captured request later. Message ids are stable within a run, so a receiver can drop the duplicates a retried
request may produce.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from datetime import UTC, datetime

import orjson

from interaction_pipeline.destinations.account import url_account
from interaction_pipeline.destinations.base import BatchResult, Confirmed, DeliveryError, OutRow
from interaction_pipeline.destinations.http import HttpSender
from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.http_client import RetryPolicy
from interaction_pipeline.warehouse.engine import Connection

MEMBERS_PER_REQUEST = 100
# A retried request keeps its signature: the waits between attempts stay well inside a receiver's tolerance
# (five minutes in docs/activation.md), however long the receiver asks to wait.
LONGEST_RETRY_WAIT = 60.0


def sign(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``."""
    signed_at = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{signed_at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={signed_at},v1={digest}"


class WebhookDestination:
    name = "webhook"
    confirms_on_close = False
    supports_replace = False
    updates_in_place = True  # an identifier change is a new identify, not an exit and an entry

    def __init__(
        self, url: str, secret: str, *, timeout: float = 30.0, policy: RetryPolicy | None = None
    ) -> None:
        self.endpoint = url
        self.account = url_account(url)
        self.secret = secret
        policy = policy or RetryPolicy(longest_wait=LONGEST_RETRY_WAIT)
        self.http = HttpSender(url, {"Content-Type": "application/json"}, timeout=timeout, policy=policy)
        self.audience = ""
        self.run_nonce = ""

    def rows_per_batch(self, target: SyncTarget) -> int:
        return int(target.options.get("batch_size", MEMBERS_PER_REQUEST))

    def request_count(self) -> int:
        return self.http.requests

    def prepare(self, conn: Connection, target: SyncTarget, *, dry_run: bool) -> None:
        self.audience = target.audience.name
        self.run_nonce = uuid.uuid4().hex

    def open(self, action: str, total_rows: int, total_batches: int) -> None:
        return None

    def messages(self, row: OutRow, entering: bool) -> list[dict]:
        contact = row.payload
        ids = (
            {"userId": contact["user_id"]}
            if contact.get("user_id")
            else {"anonymousId": contact["profile_id"]}
        )
        timestamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        shared = {
            **ids,
            "timestamp": timestamp,
            "context": {
                "personas": {
                    "computation_class": "audience",
                    "computation_id": self.audience,
                    "computation_key": self.audience,
                    "namespace": "interaction_pipeline",
                    "space_id": "interaction_pipeline",
                }
            },
            "integrations": {"All": False, "webhook": True},
        }
        traits = {k: contact[k] for k in ("email", "phone", "first_name", "last_name") if contact.get(k)}
        kind = "entered" if entering else "exited"
        identify = {
            **shared,
            "type": "identify",
            "messageId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.run_nonce}/{row.member_key}/{kind}/i")),
            "traits": {**traits, self.audience: entering},
        }
        if row.changed and entering:  # same member, new identifiers: no entry or exit to announce
            return [identify]
        track = {
            **shared,
            "type": "track",
            "event": "Audience Entered" if entering else "Audience Exited",
            "messageId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.run_nonce}/{row.member_key}/{kind}/t")),
            "properties": {"audience_key": self.audience, self.audience: entering},
        }
        return [identify, track]

    def send(self, action: str, rows: list[OutRow], batch_seq: int) -> BatchResult:
        batch = [message for row in rows for message in self.messages(row, action == "add")]
        body = orjson.dumps({"batch": batch, "sentAt": datetime.now(UTC).isoformat().replace("+00:00", "Z")})
        _, retries = self.http.call("POST", "", data=body, headers={"X-Signature": sign(body, self.secret)})
        return BatchResult(counts={"messages_sent": len(batch)}, retries=retries)

    def close(self, action: str) -> BatchResult:
        return BatchResult()

    def membership_days(self, target: SyncTarget) -> int | None:
        return None

    # Answers of a receiver that does not report its members.
    NOT_REPORTED = frozenset({404, 405, 501})

    def verify_remote(self, target: SyncTarget, confirmed: Confirmed) -> str | None:
        """A receiver may answer `GET <url>?audience=<name>` (signed as a post is, the name standing for the
        body) with `{"members": <count>}`, the members it holds: a count that differs from what was confirmed
        means it lost its data, and everyone is sent again. A receiver that answers 404 or 405 is not
        checked."""
        name = target.audience.name
        signature = sign(name.encode(), self.secret)
        try:
            response, _ = self.http.call(
                "GET", "", params={"audience": name}, headers={"X-Signature": signature}
            )
        except DeliveryError as error:
            if error.status in self.NOT_REPORTED:
                return None
            raise
        try:
            members = int(response.json()["members"])
        except (ValueError, KeyError, TypeError):
            return None  # an answer without a count says nothing about the receiver's state
        if members != confirmed.count:
            return f"the webhook receiver holds {members} members of {name}, {confirmed.count} are confirmed"
        return None

    def delete_remote_list(self, conn: Connection, target: SyncTarget) -> bool:
        return False

    def remote_list(self, conn: Connection, target: SyncTarget) -> tuple[None, None]:
        return None, None  # members are kept per user, not in a list of ours
