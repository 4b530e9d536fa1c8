"""Google Ads Customer Match stand-in (REST shapes of API v22), mounted under /google-ads.

- `POST /{version}/customers/{cid}/userLists:mutate` creates CRM-based user lists.
- `POST .../offlineUserDataJobs:create`, `POST /{version}/{job}:addOperations`, `POST /{version}/{job}:run`.
- `POST .../googleAds:search` answers the job-status queries the client sends (GAQL filtered on one job's
  resource name, or on a list's pending/running jobs).

Checks as Google does: `developer-token` and bearer headers; one identifier per `UserIdentifier`; at most 20
per user (`TOO_MANY_USER_IDENTIFIERS`); hashed fields must be 64 lowercase hex; at most 100,000 identifiers
per request; one running job per list (`CONCURRENT_MODIFICATION`). With `enablePartialFailure` bad operations
are reported in `partialFailureError` and the rest are kept. Jobs apply their operations when run; a job stays
RUNNING for `job_seconds` (POST /google-ads/_sandbox/settings). `GET /google-ads/_sandbox/user_lists` shows
members; `/google-ads/_sandbox/faults` injects faults (a rule with `code` puts that error code in the body).
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from interaction_pipeline.sandbox.destination_faults import FaultBook, FaultRule

MAX_IDENTIFIERS_PER_REQUEST = 100_000
MAX_IDENTIFIERS_PER_USER = 20
HASHED = {"hashedEmail", "hashedPhoneNumber"}
SHA256 = re.compile(r"^[0-9a-f]{64}$")
FAILURE_TYPE = "type.googleapis.com/google.ads.googleads.v22.errors.GoogleAdsFailure"


@dataclass
class UserList:
    resource_name: str
    name: str
    members: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    by_identifier: dict[str, str] = field(default_factory=dict)

    def add(self, identifiers: list[dict[str, str]]) -> None:
        values = [next(iter(entry.values())) for entry in identifiers]
        existing = {self.by_identifier[v] for v in values if v in self.by_identifier}
        merged = {next(iter(e.values())): e for key in existing for e in self.members.pop(key)}
        merged.update((next(iter(e.values())), e) for e in identifiers)
        key = min(merged)
        self.members[key] = sorted(merged.values(), key=lambda e: sorted(e.items()))
        for value in merged:
            self.by_identifier[value] = key

    def remove(self, identifiers: list[dict[str, str]]) -> None:
        for entry in identifiers:
            key = self.by_identifier.get(next(iter(entry.values())))
            if key and key in self.members:
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
    ids: Any = field(default_factory=lambda: itertools.count(9000001))
    faults: FaultBook = field(default_factory=FaultBook)
    job_seconds: float = 0.0

    def refresh(self) -> None:
        now = time.monotonic()
        for job in self.jobs.values():
            if job.status == "RUNNING" and now >= job.done_at:
                target = self.lists[job.user_list]
                for operation in job.operations:
                    if "create" in operation:
                        target.add(operation["create"]["userIdentifiers"])
                    elif "remove" in operation:
                        target.remove(operation["remove"]["userIdentifiers"])
                    elif operation.get("removeAll"):
                        target.members.clear()
                        target.by_identifier.clear()
                job.status = "SUCCESS"


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


def _fault_body(rule: FaultRule) -> dict:
    if rule.code:
        return {
            "error": {
                "code": rule.status,
                "status": "INVALID_ARGUMENT",
                "message": rule.code,
                "details": [
                    {
                        "@type": FAILURE_TYPE,
                        "errors": [{"errorCode": {"databaseError": rule.code}, "message": rule.code}],
                    }
                ],
            }
        }
    return {"error": {"code": rule.status, "message": "Sandbox injected fault", "status": "UNAVAILABLE"}}


def _operation_problem(operation: dict[str, Any]) -> tuple[dict[str, str], str] | None:
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


def routes(state: Any = None) -> list[BaseRoute]:
    store = GoogleStore()

    def authorized(request: Request) -> bool:
        return bool(request.headers.get("developer-token")) and request.headers.get(
            "authorization", ""
        ).startswith("Bearer ")

    async def customer_action(request: Request) -> JSONResponse:
        if not authorized(request):
            return ads_error(
                401, {"authenticationError": "NOT_ADS_USER"}, "missing developer-token or bearer"
            )
        cid, action = request.path_params["cid"], request.path_params["action"]
        body = await request.json()
        store.refresh()
        if action == "userLists:mutate":
            results = []
            for operation in body.get("operations", []):
                create = operation.get("create") or {}
                if "crmBasedUserList" not in create:
                    return ads_error(
                        400, {"userListError": "INVALID_USER_LIST_TYPE"}, "crmBasedUserList required"
                    )
                name = f"customers/{cid}/userLists/{next(store.ids)}"
                store.lists[name] = UserList(name, create.get("name", name))
                results.append({"resourceName": name})
            return JSONResponse({"results": results})
        if action == "offlineUserDataJobs:create":
            job = body.get("job") or {}
            metadata = job.get("customerMatchUserListMetadata") or {}
            if job.get("type") != "CUSTOMER_MATCH_USER_LIST" or metadata.get("userList") not in store.lists:
                return ads_error(
                    400, {"offlineUserDataJobError": "INVALID_USER_LIST_ID"}, "unknown user list"
                )
            name = f"customers/{cid}/offlineUserDataJobs/{next(store.ids)}"
            store.jobs[name] = Job(name, metadata["userList"], metadata.get("consent") or {})
            return JSONResponse({"resourceName": name})
        if action == "googleAds:search":
            return JSONResponse({"results": _search(store, body.get("query", ""))})
        return ads_error(404, {"requestError": "UNKNOWN"}, f"unknown method {action}")

    async def job_action(request: Request) -> JSONResponse:
        if not authorized(request):
            return ads_error(
                401, {"authenticationError": "NOT_ADS_USER"}, "missing developer-token or bearer"
            )
        fault, refuse = await store.faults.apply(request, _fault_body)
        if fault is not None:
            return fault
        job_id, _, action = request.path_params["job"].partition(":")
        name = f"customers/{request.path_params['cid']}/offlineUserDataJobs/{job_id}"
        job = store.jobs.get(name)
        if job is None:
            return ads_error(404, {"requestError": "RESOURCE_NOT_FOUND"}, f"no job {name}")
        store.refresh()
        body = await request.json() if (await request.body()) else {}
        if action == "addOperations":
            return _add_operations(job, body, refuse)
        if action == "run":
            if job.status != "PENDING":
                return ads_error(400, {"offlineUserDataJobError": "INVALID_JOB_STATUS"}, "job already run")
            if any(j.status == "RUNNING" and j.user_list == job.user_list for j in store.jobs.values()):
                return ads_error(400, {"databaseError": "CONCURRENT_MODIFICATION"}, "another job is running")
            job.status, job.done_at = "RUNNING", time.monotonic() + store.job_seconds
            store.refresh()
            return JSONResponse({"name": f"customers/{request.path_params['cid']}/operations/{job_id}"})
        return ads_error(404, {"requestError": "UNKNOWN"}, f"unknown method {action}")

    async def show(request: Request) -> JSONResponse:
        store.refresh()
        return JSONResponse(
            {
                "user_lists": {
                    n: {"name": u.name, "members": [u.members[k] for k in sorted(u.members)]}
                    for n, u in store.lists.items()
                },
                "jobs": [
                    {
                        "resource_name": j.resource_name,
                        "user_list": j.user_list,
                        "status": j.status,
                        "operations": len(j.operations),
                        "consent": j.consent,
                    }
                    for j in store.jobs.values()
                ],
            }
        )

    async def settings(request: Request) -> JSONResponse:
        store.job_seconds = float((await request.json()).get("job_seconds", 0.0))
        return JSONResponse({"job_seconds": store.job_seconds})

    return [
        Route("/_sandbox/user_lists", show, methods=["GET"]),
        Route("/_sandbox/settings", settings, methods=["POST"]),
        *store.faults.routes(),
        Route("/{version}/customers/{cid}/offlineUserDataJobs/{job}", job_action, methods=["POST"]),
        Route("/{version}/customers/{cid}/{action}", customer_action, methods=["POST"]),
    ]


def _add_operations(job: Job, body: dict[str, Any], refuse: int) -> JSONResponse:
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


def _search(store: GoogleStore, query: str) -> list[dict[str, Any]]:
    by_name = re.search(r"offline_user_data_job\.resource_name\s*=\s*'([^']+)'", query)
    by_list = re.search(r"user_list\s*=\s*'([^']+)'", query)
    jobs = list(store.jobs.values())
    if by_name:
        jobs = [j for j in jobs if j.resource_name == by_name.group(1)]
    if by_list:
        jobs = [j for j in jobs if j.user_list == by_list.group(1) and j.status in ("PENDING", "RUNNING")]
    return [{"offlineUserDataJob": {"resourceName": j.resource_name, "status": j.status}} for j in jobs]
