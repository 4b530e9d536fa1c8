"""Google Ads Customer Match stand-in (REST shapes of API v22), mounted under /google-ads.

- `POST /{version}/customers/{cid}/userLists:mutate` creates CRM-based user lists (`membershipLifeSpan` at
  most 540 days, `RangeError.TOO_HIGH` above) and removes them.
- `POST .../offlineUserDataJobs:create`, `POST /{version}/{job}:addOperations`, `POST /{version}/{job}:run`.
- `POST .../googleAds:search` answers the queries the client sends: job status (GAQL filtered on one job's
  resource name, or on a list's pending/running jobs) and `FROM user_list` (size, lifespan).

`POST /google-ads/token` is Google's OAuth token endpoint (`oauth.py`): the bearer of every API call must be
an access token it issued, not yet expired on the sandbox clock. A `login-customer-id` header (a manager
account acting for the customer) must be ten digits; the ones seen are listed in `/_sandbox/user_lists`.

Checks as Google does: a `developer-token` header; one identifier per `UserIdentifier`; at most 20
per user (`TOO_MANY_USER_IDENTIFIERS`); hashed fields must be 64 lowercase hex; at most 100,000 identifiers
per request; one running job per list (`CONCURRENT_MODIFICATION`). With `enablePartialFailure` bad operations
are reported in `partialFailureError` and the rest are kept. Jobs apply their operations when run; a job stays
RUNNING for `job_seconds` (POST /google-ads/_sandbox/settings). `GET /google-ads/_sandbox/user_lists` shows
members, `POST /google-ads/_sandbox/reset` forgets every list (or with `{"members_only": true}` empties them,
optionally only `{"user_list": ...}`); members expire `membershipLifeSpan` days after their last upload on the
sandbox clock (`/_sandbox/clock`). Faults come from `/_sandbox/faults` (a rule with `code` puts that error
code in the body).
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from interaction_pipeline.sandbox.fault_middleware import refused_rows
from interaction_pipeline.sandbox.google_ads.oauth import TokenIssuer, token_endpoint
from interaction_pipeline.sandbox.google_ads.store import (
    FAILURE_TYPE,
    MAX_LIFE_SPAN_DAYS,
    GoogleStore,
    Job,
    UserList,
    add_operations,
    ads_error,
    search,
)
from interaction_pipeline.sandbox.responses import bearer_token


def fault_answer(status: int, code: str | None) -> tuple[dict, dict[str, str]]:
    """An injected error as Google sends it; with ``code``, a GoogleAdsFailure naming that error."""
    if code:
        failure = {"@type": FAILURE_TYPE, "errors": [{"errorCode": {"databaseError": code}, "message": code}]}
        error = {"code": status, "status": "INVALID_ARGUMENT", "message": code, "details": [failure]}
        return {"error": error}, {}
    return {"error": {"code": status, "message": "Sandbox injected fault", "status": "UNAVAILABLE"}}, {}


def _mutate_user_lists(store: GoogleStore, cid: str, operations: list[dict]) -> JSONResponse:
    results = []
    for operation in operations:
        if "remove" in operation:
            if store.lists.pop(operation["remove"], None) is None:
                return ads_error(
                    404, {"requestError": "RESOURCE_NOT_FOUND"}, f"no user list {operation['remove']}"
                )
            results.append({"resourceName": operation["remove"]})
            continue
        create = operation.get("create") or {}
        if "crmBasedUserList" not in create:
            return ads_error(400, {"userListError": "INVALID_USER_LIST_TYPE"}, "crmBasedUserList required")
        life_span = int(create.get("membershipLifeSpan", MAX_LIFE_SPAN_DAYS))
        if life_span > MAX_LIFE_SPAN_DAYS:
            return ads_error(400, {"rangeError": "TOO_HIGH"}, f"membershipLifeSpan {life_span} > 540")
        name = f"customers/{cid}/userLists/{next(store.ids)}"
        store.lists[name] = UserList(name, create.get("name", name), life_span)
        results.append({"resourceName": name})
    return JSONResponse({"results": results})


def routes(state: Any = None) -> list[BaseRoute]:
    store = GoogleStore(clock=state.clock.now) if state is not None else GoogleStore()
    issuer = TokenIssuer(clock=store.clock)

    def refusal(request: Request) -> JSONResponse | None:
        """Why the request may not call the API, as Google answers it; None when it may."""
        if not request.headers.get("developer-token"):
            return ads_error(401, {"authenticationError": "NOT_ADS_USER"}, "missing developer-token")
        if not issuer.valid(bearer_token(request)):
            return ads_error(
                401,
                {"authenticationError": "OAUTH_TOKEN_INVALID"},
                "missing, unknown or expired access token",
            )
        login = request.headers.get("login-customer-id")
        if login is not None:
            if not (login.isdigit() and len(login) == 10):
                return ads_error(
                    400, {"requestError": "INVALID_CUSTOMER_ID"}, "login-customer-id must be 10 digits"
                )
            store.login_customer_ids.add(login)
        return None

    async def customer_action(request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        cid, action = request.path_params["cid"], request.path_params["action"]
        body = await request.json()
        store.refresh()
        if action == "userLists:mutate":
            return _mutate_user_lists(store, cid, body.get("operations", []))
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
            return JSONResponse({"results": search(store, body.get("query", ""))})
        return ads_error(404, {"requestError": "UNKNOWN"}, f"unknown method {action}")

    async def job_action(request: Request) -> JSONResponse:
        if (refused := refusal(request)) is not None:
            return refused
        refuse = refused_rows(request)
        job_id, _, action = request.path_params["job"].partition(":")
        name = f"customers/{request.path_params['cid']}/offlineUserDataJobs/{job_id}"
        job = store.jobs.get(name)
        if job is None:
            return ads_error(404, {"requestError": "RESOURCE_NOT_FOUND"}, f"no job {name}")
        store.refresh()
        body = await request.json() if (await request.body()) else {}
        if action == "addOperations":
            return add_operations(job, body, refuse)
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
                "login_customer_ids": sorted(store.login_customer_ids),
                "access_tokens_issued": issuer.issued,
            }
        )

    async def reset(request: Request) -> JSONResponse:
        body = await request.json() if await request.body() else {}
        chosen = [body["user_list"]] if body.get("user_list") else list(store.lists)
        for name in chosen:
            if body.get("members_only") and name in store.lists:
                store.lists[name].clear()
            else:
                store.lists.pop(name, None)
        return JSONResponse({"reset": chosen})

    async def settings(request: Request) -> JSONResponse:
        body = await request.json()
        store.job_seconds = float(body.get("job_seconds", store.job_seconds))
        issuer.token_seconds = float(body.get("token_seconds", issuer.token_seconds))
        return JSONResponse({"job_seconds": store.job_seconds, "token_seconds": issuer.token_seconds})

    return [
        Route("/token", token_endpoint(issuer), methods=["POST"]),
        Route("/_sandbox/user_lists", show, methods=["GET"]),
        Route("/_sandbox/settings", settings, methods=["POST"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/{version}/customers/{cid}/offlineUserDataJobs/{job}", job_action, methods=["POST"]),
        Route("/{version}/customers/{cid}/{action}", customer_action, methods=["POST"]),
    ]
