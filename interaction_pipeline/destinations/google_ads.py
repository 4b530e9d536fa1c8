"""Google Ads Customer Match through offline user data jobs.

https://developers.google.com/google-ads/api/docs/remarketing/audience-segments/customer-match/get-started

A change is one job per action: create the job for the user list (with the consent declared in the audience's
destination options), `addOperations` in calls of at most 10,000 identifiers (at most 20 per user) with
`enablePartialFailure`, then `run` it and wait until it finishes. Operations only take effect when the job
succeeds, so rows are confirmed on close. Google allows one running job per list: before creating a job the
client waits for any job of the list still running, and `CONCURRENT_MODIFICATION` (a 400) is retried.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import duckdb
import requests

from interaction_pipeline.destinations.base import BatchResult, DeliveryError, OutRow, RemoteListMissing
from interaction_pipeline.destinations.http import HttpSender
from interaction_pipeline.destinations.payloads import GOOGLE_IDENTIFIER_FIELDS
from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.http_client import RetryPolicy
from interaction_pipeline.warehouse import sync_state

IDENTIFIERS_PER_CALL = 10_000
_LIST_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _concurrent_modification(response: requests.Response) -> bool:
    return not response.ok and "CONCURRENT_MODIFICATION" in response.text


def _list_lock(resource_name: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LIST_LOCKS.setdefault(resource_name, threading.Lock())


def partial_failure_indexes(answer: dict[str, Any]) -> dict[int, str]:
    """Operation index -> message from a `partialFailureError` (GoogleAdsFailure details)."""
    failures: dict[int, str] = {}
    for detail in (answer.get("partialFailureError") or {}).get("details", []):
        for error in detail.get("errors", []):
            for element in (error.get("location") or {}).get("fieldPathElements", []):
                if element.get("fieldName") == "operations" and "index" in element:
                    code = ",".join(f"{k}={v}" for k, v in (error.get("errorCode") or {}).items())
                    failures[int(element["index"])] = f"{code}: {error.get('message', '')}".strip(": ")
    return failures


class GoogleAdsDestination:
    name = "google_ads"
    confirms_on_close = True
    supports_replace = False

    def __init__(
        self,
        base_url: str,
        developer_token: str,
        access_token: str,
        customer_id: str,
        api_version: str = "v22",
        *,
        timeout: float = 60.0,
        policy: RetryPolicy | None = None,
        poll_seconds: float = 0.2,
        job_wait_seconds: float = 600.0,
    ) -> None:
        self.customer_id = customer_id.replace("-", "")
        self.endpoint = f"{base_url.rstrip('/')}/{api_version}"
        headers = {"developer-token": developer_token, "Authorization": f"Bearer {access_token}"}
        self.http = HttpSender(self.endpoint, headers, timeout=timeout, policy=policy)
        self.poll_seconds = poll_seconds
        self.job_wait_seconds = job_wait_seconds
        self.user_list: str | None = None
        self.consent: dict[str, str] = {}
        self.job: str | None = None
        self.accepted_operations = 0

    def rows_per_batch(self, target: SyncTarget) -> int:
        per_user = max(1, sum(1 for name in target.audience.identifiers if name in GOOGLE_IDENTIFIER_FIELDS))
        per_call = int(target.options.get("identifiers_per_call", IDENTIFIERS_PER_CALL))
        return max(1, per_call // per_user)

    def request_count(self) -> int:
        return self.http.requests

    def _call(self, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        response, retries = self.http.call("POST", path, json=body, retry_if=_concurrent_modification)
        return (response.json() if response.content else {}), retries

    def _create_job(self, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        try:
            return self._call(path, body)
        except DeliveryError as error:
            if "INVALID_USER_LIST_ID" in str(error.answer):
                raise RemoteListMissing(f"Google Ads user list {self.user_list} does not exist") from error
            raise

    def prepare(self, conn: duckdb.DuckDBPyConnection, target: SyncTarget, *, dry_run: bool) -> None:
        options = target.options
        consent = options.get("consent") or {}
        self.consent = {
            "adUserData": consent.get("ad_user_data", "UNSPECIFIED"),
            "adPersonalization": consent.get("ad_personalization", "UNSPECIFIED"),
        }
        if options.get("user_list_id"):
            self.user_list = f"customers/{self.customer_id}/userLists/{options['user_list_id']}"
            return
        self.user_list = sync_state.remote_list_id(conn, target.audience.name, self.name)
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
                            "membershipLifeSpan": 540,
                            "crmBasedUserList": {"uploadKeyType": "CONTACT_INFO"},
                        }
                    }
                ]
            },
        )
        self.user_list = answer["results"][0]["resourceName"]
        sync_state.save_remote_list_id(conn, target.audience.name, self.name, self.user_list)

    def _running_jobs(self) -> list[dict[str, Any]]:
        query = (
            "SELECT offline_user_data_job.resource_name, offline_user_data_job.status "
            "FROM offline_user_data_job "
            f"WHERE offline_user_data_job.customer_match_user_list_metadata.user_list = '{self.user_list}' "
            "AND offline_user_data_job.status IN ('PENDING', 'RUNNING')"
        )
        answer, _ = self._call(f"customers/{self.customer_id}/googleAds:search", {"query": query})
        return [row["offlineUserDataJob"] for row in answer.get("results", [])]

    def _job_status(self, job: str) -> str:
        query = (
            "SELECT offline_user_data_job.status, offline_user_data_job.failure_reason "
            "FROM offline_user_data_job "
            f"WHERE offline_user_data_job.resource_name = '{job}'"
        )
        answer, _ = self._call(f"customers/{self.customer_id}/googleAds:search", {"query": query})
        results = answer.get("results") or [{}]
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
        _list_lock(self.user_list).acquire()
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
            _list_lock(self.user_list).release()
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
            _list_lock(self.user_list).release()
