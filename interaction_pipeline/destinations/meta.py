"""Meta Custom Audiences: add, remove and replace hashed members.

https://developers.facebook.com/docs/marketing-api/audiences/guides/custom-audiences

`POST /{audience_id}/users` adds and `DELETE` removes, with `payload={schema, data}`, at most 10,000 rows per
request. A change that spans several requests runs in one session (`session_id`, `batch_seq`,
`last_batch_flag`, `estimated_num_total`); a full replace goes through `usersreplace` in one session. Meta
answers with `num_received` and `num_invalid_entries`, which become the asset's destination counts.

A check reads the audience (`GET /{audience_id}`): gone is a lost list; an estimated size of zero while at
least `empty_check_min_members` are confirmed, and the last change is older than the day Meta takes to apply
it, is a list someone emptied. Smaller lists are not judged by size: Meta's estimates are coarse there.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import orjson
import requests

from interaction_pipeline.destinations.account import saved_remote_id, url_account
from interaction_pipeline.destinations.base import (
    BatchResult,
    Confirmed,
    DeliveryError,
    OutRow,
    RemoteListMissing,
)
from interaction_pipeline.destinations.http import HttpSender
from interaction_pipeline.destinations.payloads import meta_schema
from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.http_client import RetryPolicy
from interaction_pipeline.warehouse import sync_state
from interaction_pipeline.warehouse.engine import Connection
from interaction_pipeline.warehouse.sync_state import utc_now

MAX_ROWS_PER_REQUEST = 10_000
ADS_MANAGER_AUDIENCES = "https://adsmanager.facebook.com/adsmanager/audiences"
AUDIENCE_FIELDS = "approximate_count_lower_bound,approximate_count_upper_bound,operation_status"
# Graph error codes that are throttling or transient even when the HTTP status is 400.
TRANSIENT_CODES = {1, 2, 4, 17, 341, 80003}


def _transient(response: requests.Response) -> bool:
    if response.ok:
        return False
    try:
        error = response.json().get("error", {})
    except ValueError:
        return False
    return bool(error.get("is_transient")) or error.get("code") in TRANSIENT_CODES


def _does_not_exist(error: DeliveryError) -> bool:
    graph = error.answer.get("error") or {}
    return graph.get("code") == 100 and graph.get("error_subcode") == 33


class MetaDestination:
    name = "meta"
    confirms_on_close = False
    supports_replace = True

    def __init__(
        self,
        base_url: str,
        access_token: str,
        ad_account_id: str,
        api_version: str = "v25.0",
        *,
        timeout: float = 30.0,
        policy: RetryPolicy | None = None,
        empty_check_min_members: int = 1_000,
        empty_check_after: timedelta = timedelta(hours=24),
    ) -> None:
        self.endpoint = f"{base_url.rstrip('/')}/{api_version}"
        self.empty_check_min_members = empty_check_min_members
        self.empty_check_after = empty_check_after
        self.ad_account_id = ad_account_id if ad_account_id.startswith("act_") else f"act_{ad_account_id}"
        self.account = f"{url_account(base_url)}/{self.ad_account_id}"
        self.http = HttpSender(
            self.endpoint, {"Authorization": f"Bearer {access_token}"}, timeout=timeout, policy=policy
        )
        self.audience_id: str | None = None
        self.schema: list[str] = []
        self.session: dict[str, Any] | None = None

    def rows_per_batch(self, target: SyncTarget) -> int:
        return min(int(target.options.get("batch_size", MAX_ROWS_PER_REQUEST)), MAX_ROWS_PER_REQUEST)

    def request_count(self) -> int:
        return self.http.requests

    def prepare(self, conn: Connection, target: SyncTarget, *, dry_run: bool) -> None:
        """Find the custom audience: configured id, the one created earlier, or a new one."""
        self.schema = meta_schema(target.audience.identifiers)
        name = target.audience.name
        self.audience_id = target.options.get("audience_id") or sync_state.remote_list_id(
            conn, name, target.state_key
        )
        if self.audience_id or dry_run:
            return
        response, _ = self.http.call(
            "POST",
            f"{self.ad_account_id}/customaudiences",
            json={
                "name": name,
                "subtype": "CUSTOM",
                "description": f"interaction_pipeline audience {target.audience.model}",
                "customer_file_source": "USER_PROVIDED_ONLY",
            },
            retry_if=_transient,
        )
        self.audience_id = str(response.json()["id"])
        sync_state.save_remote_list_id(conn, name, target.state_key, self.audience_id)

    def remote_list(self, conn: Connection, target: SyncTarget) -> tuple[str | None, str | None]:
        audience_id = self.audience_id or target.options.get("audience_id") or saved_remote_id(conn, target)
        if not audience_id:
            return None, None
        account = self.ad_account_id.removeprefix("act_")
        return str(audience_id), f"{ADS_MANAGER_AUDIENCES}?act={account}&ids={audience_id}"

    def open(self, action: str, total_rows: int, total_batches: int) -> None:
        # A session ties the batches of one change together; replace always runs in one.
        if total_batches > 1 or action == "replace":
            self.session = {
                "session_id": secrets.randbits(63),
                "estimated_num_total": total_rows,
                "total_batches": total_batches,
            }
        else:
            self.session = None

    def send(self, action: str, rows: list[OutRow], batch_seq: int) -> BatchResult:
        body: dict[str, Any] = {"payload": {"schema": self.schema, "data": [row.payload for row in rows]}}
        if self.session:
            body["session"] = {
                "session_id": self.session["session_id"],
                "batch_seq": batch_seq,
                "last_batch_flag": batch_seq == self.session["total_batches"],
                "estimated_num_total": self.session["estimated_num_total"],
            }
        method, path = {
            "add": ("POST", "users"),
            "remove": ("DELETE", "users"),
            "replace": ("POST", "usersreplace"),
        }[action]
        try:
            response, retries = self.http.call(
                method,
                f"{self.audience_id}/{path}",
                data=orjson.dumps(body),
                headers={"Content-Type": "application/json"},
                retry_if=_transient,
            )
        except DeliveryError as error:
            if _does_not_exist(error):
                raise RemoteListMissing(f"Meta custom audience {self.audience_id} does not exist") from error
            raise
        answer = response.json()
        invalid = answer.get("invalid_entry_samples") or {}
        by_values = {",".join(map(str, row.payload)): row.member_key for row in rows}
        rejected = {by_values[k]: f"Meta invalid entry: {v}" for k, v in invalid.items() if k in by_values}
        counts = {
            "num_received": int(answer.get("num_received", 0)),
            "num_invalid_entries": int(answer.get("num_invalid_entries", 0)),
        }
        return BatchResult(rejected=rejected, counts=counts, retries=retries)

    def close(self, action: str) -> BatchResult:
        return BatchResult()

    def membership_days(self, target: SyncTarget) -> int | None:
        return None

    def verify_remote(self, target: SyncTarget, confirmed: Confirmed) -> str | None:
        if not self.audience_id:
            return None
        try:
            response, _ = self.http.call(
                "GET", self.audience_id, params={"fields": AUDIENCE_FIELDS}, retry_if=_transient
            )
        except DeliveryError as error:
            if _does_not_exist(error):
                raise RemoteListMissing(f"Meta custom audience {self.audience_id} does not exist") from error
            raise
        upper = response.json().get("approximate_count_upper_bound")
        settled = (
            confirmed.last_confirmed_at and utc_now() - confirmed.last_confirmed_at >= self.empty_check_after
        )
        if upper == 0 and settled and confirmed.count >= self.empty_check_min_members:
            return (
                f"Meta custom audience {self.audience_id} holds nobody while {confirmed.count} are confirmed"
            )
        return None

    def delete_remote_list(self, conn: Connection, target: SyncTarget) -> bool:
        created = sync_state.remote_list_id(conn, target.audience.name, target.state_key)
        if not created or target.options.get("audience_id"):
            return False
        try:
            self.http.call("DELETE", created, retry_if=_transient)
        except DeliveryError as error:
            if not _does_not_exist(error):
                raise
        return True
