"""The shapes of the Google Ads REST API the Customer Match client relies on: the GAQL queries it sends, how
partial failures and retryable conflicts are reported, and the rule of one running job per user list.

https://developers.google.com/google-ads/api/rest/reference/rest
"""

from __future__ import annotations

import threading
from typing import Any

import requests

_LIST_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def concurrent_modification(response: requests.Response) -> bool:
    """A 400 Google means as "try again": another job is running on the list."""
    return not response.ok and "CONCURRENT_MODIFICATION" in response.text


def list_lock(resource_name: str) -> threading.Lock:
    """One job at a time per list from this process (Google refuses a second running one)."""
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


def running_jobs_query(user_list: str) -> str:
    return (
        "SELECT offline_user_data_job.resource_name, offline_user_data_job.status "
        "FROM offline_user_data_job "
        f"WHERE offline_user_data_job.customer_match_user_list_metadata.user_list = '{user_list}' "
        "AND offline_user_data_job.status IN ('PENDING', 'RUNNING')"
    )


def job_status_query(job: str) -> str:
    return (
        "SELECT offline_user_data_job.status, offline_user_data_job.failure_reason "
        f"FROM offline_user_data_job WHERE offline_user_data_job.resource_name = '{job}'"
    )


def user_list_query(user_list: str) -> str:
    return (
        "SELECT user_list.resource_name, user_list.size_for_display, user_list.size_for_search "
        f"FROM user_list WHERE user_list.resource_name = '{user_list}'"
    )


def user_list_sizes(row: dict[str, Any]) -> list[int]:
    """Display and search sizes of a `user_list` search row (int64 fields arrive as strings)."""
    user_list = row.get("userList", {})
    return [int(user_list.get(name) or 0) for name in ("sizeForDisplay", "sizeForSearch")]
