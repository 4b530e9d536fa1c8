"""State of the Google Ads Customer Match stand-in: user lists, offline user data jobs, their operations.

Kept apart from the routes so the HTTP layer stays a thin translation of requests into these calls. A member
stays on a list `life_span` days after its last upload, measured on the sandbox clock, as Customer Match
memberships do.
"""

from __future__ import annotations

import itertools
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse

MAX_IDENTIFIERS_PER_REQUEST = 100_000
MAX_IDENTIFIERS_PER_USER = 20
HASHED = {"hashedEmail", "hashedPhoneNumber"}
SHA256 = re.compile(r"^[0-9a-f]{64}$")
FAILURE_TYPE = "type.googleapis.com/google.ads.googleads.v22.errors.GoogleAdsFailure"
MAX_LIFE_SPAN_DAYS = 540
DAY = 86_400.0


@dataclass
class UserList:
    resource_name: str
    name: str
    life_span: int = MAX_LIFE_SPAN_DAYS
    members: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    by_identifier: dict[str, str] = field(default_factory=dict)
    uploaded_at: dict[str, float] = field(default_factory=dict)  # member key -> last upload (sandbox clock)

    def expire(self, now: float) -> None:
        for key, uploaded in list(self.uploaded_at.items()):
            if now - uploaded > self.life_span * DAY:
                self.remove([self.members[key][0]])

    def clear(self) -> None:
        self.members.clear()
        self.by_identifier.clear()
        self.uploaded_at.clear()

    def add(self, identifiers: list[dict[str, str]], now: float = 0.0) -> None:
        values = [next(iter(entry.values())) for entry in identifiers]
        existing = {self.by_identifier[v] for v in values if v in self.by_identifier}
        merged = {next(iter(e.values())): e for key in existing for e in self.members.pop(key)}
        merged.update((next(iter(e.values())), e) for e in identifiers)
        key = min(merged)
        self.members[key] = sorted(merged.values(), key=lambda e: sorted(e.items()))
        for gone in existing:
            self.uploaded_at.pop(gone, None)
        self.uploaded_at[key] = now
        for value in merged:
            self.by_identifier[value] = key

    def remove(self, identifiers: list[dict[str, str]]) -> None:
        for entry in identifiers:
            key = self.by_identifier.get(next(iter(entry.values())))
            if key and key in self.members:
                self.uploaded_at.pop(key, None)
                for gone in self.members.pop(key):
                    self.by_identifier.pop(next(iter(gone.values())), None)


@dataclass
class Job:
    resource_name: str
    user_list: str
    consent: dict[str, str]
    operations: list[dict[str, Any]] = field(default_factory=list)
    status: str = "PENDING"
    done_at: float = 0.0


@dataclass
class GoogleStore:
    lists: dict[str, UserList] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    # Unique across sandbox restarts, as Google's are: a list remembered from an earlier sandbox is not found.
    ids: Any = field(default_factory=lambda: itertools.count(9000001 + secrets.randbelow(10**9) * 100))
    job_seconds: float = 0.0
    clock: Callable[[], float] = time.time  # the sandbox clock, which memberships expire on
    login_customer_ids: set[str] = field(default_factory=set)

    def refresh(self) -> None:
        now, today = time.monotonic(), self.clock()
        for job in self.jobs.values():
            if job.status == "RUNNING" and now >= job.done_at:
                target = self.lists.get(job.user_list)
                for operation in job.operations if target else []:
                    if "create" in operation:
                        target.add(operation["create"]["userIdentifiers"], today)
                    elif "remove" in operation:
                        target.remove(operation["remove"]["userIdentifiers"])
                    elif operation.get("removeAll"):
                        target.clear()
                job.status = "SUCCESS" if target else "FAILED"
        for user_list in self.lists.values():
            user_list.expire(today)


def ads_error(status: int, code: dict[str, str], message: str) -> JSONResponse:
    names = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED"}
    body = {
        "error": {
            "code": status,
            "message": "Request contains an invalid argument." if status == 400 else message,
            "status": names.get(status, "INTERNAL"),
            "details": [
                {
                    "@type": FAILURE_TYPE,
                    "errors": [{"errorCode": code, "message": message}],
                    "requestId": "sandbox",
                }
            ],
        }
    }
    return JSONResponse(body, status_code=status)


def _operation_problem(operation: dict[str, Any]) -> tuple[dict[str, str], str] | None:
    if operation.get("removeAll") is True:
        return None
    body = operation.get("create") or operation.get("remove")
    if body is None:
        return {"requestError": "OPERATION_REQUIRED"}, "operation needs create or remove"
    identifiers = body.get("userIdentifiers") or []
    if not identifiers:
        return {"offlineUserDataJobError": "INVALID_USER_IDENTIFIER"}, "no userIdentifiers"
    if len(identifiers) > MAX_IDENTIFIERS_PER_USER:
        return {
            "offlineUserDataJobError": "TOO_MANY_USER_IDENTIFIERS"
        }, f"{len(identifiers)} identifiers > 20"
    for entry in identifiers:
        if len(entry) != 1:
            return {"offlineUserDataJobError": "INVALID_USER_IDENTIFIER"}, "one identifier per UserIdentifier"
        ((key, value),) = entry.items()
        if key in HASHED and not SHA256.match(str(value)):
            return {"offlineUserDataJobError": "INVALID_SHA256_FORMAT"}, f"{key} is not a SHA-256 hex digest"
    return None


def add_operations(job: Job, body: dict[str, Any], refuse: int) -> JSONResponse:
    if job.status != "PENDING":
        return ads_error(400, {"offlineUserDataJobError": "INVALID_JOB_STATUS"}, "job is no longer pending")
    operations = body.get("operations") or []
    total = sum(
        len((op.get("create") or op.get("remove") or {}).get("userIdentifiers", [])) for op in operations
    )
    if total > MAX_IDENTIFIERS_PER_REQUEST:
        return ads_error(
            400, {"offlineUserDataJobError": "TOO_MANY_IDENTIFIERS"}, f"{total} identifiers > 100000"
        )
    errors = []
    for index, operation in enumerate(operations):
        problem = _operation_problem(operation)
        if problem is None and index < refuse:
            problem = ({"internalError": "TRANSIENT_ERROR"}, "refused by injected partial failure")
        if problem is None:
            job.operations.append(operation)
            continue
        code, message = problem
        errors.append(
            {
                "errorCode": code,
                "message": message,
                "location": {"fieldPathElements": [{"fieldName": "operations", "index": index}]},
            }
        )
    if errors and not body.get("enablePartialFailure"):
        del job.operations[len(job.operations) - (len(operations) - len(errors)) :]
        return JSONResponse(
            {
                "error": {
                    "code": 400,
                    "status": "INVALID_ARGUMENT",
                    "message": "invalid operations",
                    "details": [{"@type": FAILURE_TYPE, "errors": errors}],
                }
            },
            status_code=400,
        )
    if not errors:
        return JSONResponse({})
    return JSONResponse(
        {
            "partialFailureError": {
                "code": 3,
                "message": f"{len(errors)} operations failed",
                "details": [{"@type": FAILURE_TYPE, "errors": errors}],
            }
        }
    )


def _user_list_row(user_list: UserList) -> dict[str, Any]:
    size = str(len(user_list.members))  # int64 fields are strings in Google's JSON
    return {
        "userList": {
            "resourceName": user_list.resource_name,
            "membershipStatus": "OPEN",
            "membershipLifeSpan": str(user_list.life_span),
            "sizeForDisplay": size,
            "sizeForSearch": size,
        }
    }


def search(store: GoogleStore, query: str) -> list[dict[str, Any]]:
    if re.search(r"\bFROM\s+user_list\b", query, re.IGNORECASE):
        wanted = re.search(r"user_list\.resource_name\s*=\s*'([^']+)'", query)
        lists = [u for n, u in store.lists.items() if not wanted or n == wanted.group(1)]
        return [_user_list_row(user_list) for user_list in lists]
    by_name = re.search(r"offline_user_data_job\.resource_name\s*=\s*'([^']+)'", query)
    by_list = re.search(r"user_list\s*=\s*'([^']+)'", query)
    jobs = list(store.jobs.values())
    if by_name:
        jobs = [j for j in jobs if j.resource_name == by_name.group(1)]
    if by_list:
        jobs = [j for j in jobs if j.user_list == by_list.group(1) and j.status in ("PENDING", "RUNNING")]
    return [{"offlineUserDataJob": {"resourceName": j.resource_name, "status": j.status}} for j in jobs]
