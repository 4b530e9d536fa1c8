"""Google Ads Customer Match through offline user data jobs.

Authenticated as Google's client libraries are (`google_ads_auth.py`): a developer token, an access token
fetched with the OAuth client's refresh token and renewed before it expires, and, for a customer reached
through a manager account, that manager's id as `login-customer-id`.

https://developers.google.com/google-ads/api/docs/remarketing/audience-segments/customer-match/get-started

A change is one job per action: create the job for the user list (with the consent declared in the audience's
destination options), `addOperations` in calls of at most 10,000 identifiers (at most 20 per user) with
`enablePartialFailure`, then `run` it and wait until it finishes. Operations only take effect when the job
succeeds, so rows are confirmed on close. Google allows one running job per list: before creating a job the
client waits for any job of the list still running, and `CONCURRENT_MODIFICATION` (a 400) is retried.

Customer Match drops a member `membershipLifeSpan` days after its last upload (at most 540 since April 2025;
"no expiry" is no longer accepted): the lists are created with `membership_life_span` (option, default 540)
and the engine uploads members again before that lapses. A check reads the list: gone is a lost list; sizes
of zero while at least `empty_check_min_members` are confirmed and the last change is older than the two days
Google may take to match a list is a list someone emptied.
https://developers.google.com/ads/blog/posts/2025/02/update-to-customer-match-membership
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from interaction_pipeline.destinations.account import saved_remote_id, url_account
from interaction_pipeline.destinations.base import (
    BatchResult,
    Confirmed,
    DeliveryError,
    OutRow,
    RemoteListMissing,
)
from interaction_pipeline.destinations.google_ads_api import (
    concurrent_modification,
    job_status_query,
    list_lock,
    partial_failure_indexes,
    running_jobs_query,
    user_list_query,
    user_list_sizes,
)
from interaction_pipeline.destinations.google_ads_auth import AccessTokens, GoogleAdsSession
from interaction_pipeline.destinations.payloads import GOOGLE_IDENTIFIER_FIELDS
from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.http_client import RetryPolicy
from interaction_pipeline.warehouse import sync_state
from interaction_pipeline.warehouse.engine import Connection
from interaction_pipeline.warehouse.sync_state import utc_now

IDENTIFIERS_PER_CALL = 10_000
MAX_MEMBERSHIP_LIFE_SPAN = 540
AUDIENCE_MANAGER = "https://ads.google.com/aw/audiences/management"


class GoogleAdsDestination:
    name = "google_ads"
    confirms_on_close = True
    supports_replace = False

    def __init__(
        self,
        base_url: str,
        developer_token: str,
        customer_id: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        token_url: str,
        login_customer_id: str | None = None,
        api_version: str = "v22",
        *,
        timeout: float = 60.0,
        policy: RetryPolicy | None = None,
        poll_seconds: float = 0.2,
        job_wait_seconds: float = 600.0,
        empty_check_min_members: int = 1_000,
        empty_check_after: timedelta = timedelta(hours=48),
    ) -> None:
        self.customer_id = customer_id.replace("-", "")
        self.account = f"{url_account(base_url)}/customers/{self.customer_id}"
        self.endpoint = f"{base_url.rstrip('/')}/{api_version}"
        self.tokens = AccessTokens(
            token_url, client_id, client_secret, refresh_token, timeout=timeout, policy=policy
        )
        self.api = GoogleAdsSession(
            self.endpoint, developer_token, login_customer_id, self.tokens, timeout=timeout, policy=policy
        )
        self.poll_seconds = poll_seconds
        self.job_wait_seconds = job_wait_seconds
        self.empty_check_min_members = empty_check_min_members
        self.empty_check_after = empty_check_after
        self.user_list: str | None = None
        self.consent: dict[str, str] = {}
        self.job: str | None = None
        self.accepted_operations = 0

    def rows_per_batch(self, target: SyncTarget) -> int:
        per_user = max(1, sum(1 for name in target.audience.identifiers if name in GOOGLE_IDENTIFIER_FIELDS))
        per_call = int(target.options.get("identifiers_per_call", IDENTIFIERS_PER_CALL))
        return max(1, per_call // per_user)

    def request_count(self) -> int:
        return self.api.requests

    def _call(self, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        return self.api.call(path, body, retry_if=concurrent_modification)

    def _create_job(self, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        try:
            return self._call(path, body)
        except DeliveryError as error:
            if "INVALID_USER_LIST_ID" in str(error.answer):
                raise RemoteListMissing(f"Google Ads user list {self.user_list} does not exist") from error
            raise

    def membership_days(self, target: SyncTarget) -> int | None:
        days = int(target.options.get("membership_life_span", MAX_MEMBERSHIP_LIFE_SPAN))
        if not 1 <= days <= MAX_MEMBERSHIP_LIFE_SPAN:
            raise ValueError(
                f"audience {target.audience.name}: google_ads membership_life_span must be 1 to "
                f"{MAX_MEMBERSHIP_LIFE_SPAN} days (Google no longer accepts longer or unlimited), not {days}"
            )
        return days

    def prepare(self, conn: Connection, target: SyncTarget, *, dry_run: bool) -> None:
        options = target.options
        consent = options.get("consent") or {}
        self.consent = {
            "adUserData": consent.get("ad_user_data", "UNSPECIFIED"),
            "adPersonalization": consent.get("ad_personalization", "UNSPECIFIED"),
        }
        if options.get("user_list_id"):
            self.user_list = f"customers/{self.customer_id}/userLists/{options['user_list_id']}"
            return
        self.user_list = sync_state.remote_list_id(conn, target.audience.name, target.state_key)
        if self.user_list or dry_run:
            return
        answer, _ = self._call(
            f"customers/{self.customer_id}/userLists:mutate",
            {
                "operations": [
                    {
                        "create": {
                            "name": target.audience.name,
                            "description": f"interaction_pipeline audience {target.audience.model}",
                            "membershipLifeSpan": self.membership_days(target),
                            "crmBasedUserList": {"uploadKeyType": "CONTACT_INFO"},
                        }
                    }
                ]
            },
        )
        self.user_list = answer["results"][0]["resourceName"]
        sync_state.save_remote_list_id(conn, target.audience.name, target.state_key, self.user_list)

    def remote_list(self, conn: Connection, target: SyncTarget) -> tuple[str | None, str | None]:
        # Google Ads has no link to one list that the API can build (its pages take an internal account id):
        # the Audience manager lists it, with the id at the end of the resource name as its "List ID".
        given = target.options.get("user_list_id")
        configured = f"customers/{self.customer_id}/userLists/{given}" if given else None
        user_list = self.user_list or configured or saved_remote_id(conn, target)
        return user_list, AUDIENCE_MANAGER if user_list else None

    def verify_remote(self, target: SyncTarget, confirmed: Confirmed) -> str | None:
        rows = self._search(user_list_query(self.user_list))
        if not rows:
            raise RemoteListMissing(f"Google Ads user list {self.user_list} does not exist")
        sizes = user_list_sizes(rows[0])
        settled = (
            confirmed.last_confirmed_at and utc_now() - confirmed.last_confirmed_at >= self.empty_check_after
        )
        if not any(sizes) and settled and confirmed.count >= self.empty_check_min_members:
            return f"Google Ads user list {self.user_list} holds nobody while {confirmed.count} are confirmed"
        return None

    def delete_remote_list(self, conn: Connection, target: SyncTarget) -> bool:
        created = sync_state.remote_list_id(conn, target.audience.name, target.state_key)
        if not created or target.options.get("user_list_id"):
            return False
        try:
            self._call(
                f"customers/{self.customer_id}/userLists:mutate", {"operations": [{"remove": created}]}
            )
        except DeliveryError as error:
            if "RESOURCE_NOT_FOUND" not in str(error.answer):
                raise
        return True

    def _search(self, query: str) -> list[dict[str, Any]]:
        answer, _ = self._call(f"customers/{self.customer_id}/googleAds:search", {"query": query})
        return answer.get("results") or []

    def _running_jobs(self) -> list[dict[str, Any]]:
        return [row["offlineUserDataJob"] for row in self._search(running_jobs_query(self.user_list))]

    def _job_status(self, job: str) -> str:
        results = self._search(job_status_query(job)) or [{}]
        return results[0].get("offlineUserDataJob", {}).get("status", "UNKNOWN")

    def _wait_until_idle(self) -> None:
        deadline = time.monotonic() + self.job_wait_seconds
        while any(job.get("status") == "RUNNING" for job in self._running_jobs()):
            if time.monotonic() > deadline:
                raise DeliveryError(
                    f"a job for {self.user_list} is still running after {self.job_wait_seconds}s"
                )
            time.sleep(self.poll_seconds)

    def open(self, action: str, total_rows: int, total_batches: int) -> None:
        list_lock(self.user_list).acquire()
        try:
            self._wait_until_idle()
            answer, _ = self._create_job(
                f"customers/{self.customer_id}/offlineUserDataJobs:create",
                {
                    "job": {
                        "type": "CUSTOMER_MATCH_USER_LIST",
                        "customerMatchUserListMetadata": {
                            "userList": self.user_list,
                            "consent": self.consent,
                        },
                    }
                },
            )
        except Exception:
            list_lock(self.user_list).release()
            raise
        self.job = answer["resourceName"]
        self.accepted_operations = 0

    def send(self, action: str, rows: list[OutRow], batch_seq: int) -> BatchResult:
        verb = "create" if action == "add" else "remove"
        body = {
            "operations": [{verb: {"userIdentifiers": row.payload}} for row in rows],
            "enablePartialFailure": True,
        }
        answer, retries = self._call(f"{self.job}:addOperations", body)
        failures = partial_failure_indexes(answer)
        rejected = {rows[i].member_key: reason for i, reason in failures.items() if i < len(rows)}
        self.accepted_operations += len(rows) - len(rejected)
        identifiers = sum(len(row.payload) for row in rows)
        return BatchResult(
            rejected=rejected,
            counts={"identifiers_sent": identifiers, "operations_failed": len(rejected)},
            retries=retries,
        )

    def close(self, action: str) -> BatchResult:
        try:
            if not self.accepted_operations:
                return BatchResult()
            _, retries = self._call(f"{self.job}:run", {})
            deadline = time.monotonic() + self.job_wait_seconds
            while (status := self._job_status(self.job)) in ("PENDING", "RUNNING"):
                if time.monotonic() > deadline:
                    raise DeliveryError(
                        f"job {self.job} still {status} after {self.job_wait_seconds}s", retries
                    )
                time.sleep(self.poll_seconds)
            if status != "SUCCESS":
                raise DeliveryError(f"job {self.job} finished with status {status}", retries)
            return BatchResult(counts={"jobs_run": 1}, retries=retries)
        finally:
            list_lock(self.user_list).release()
