"""Salesforce stand-in: the OAuth token, the REST API's version list, SOQL queries and record endpoints.

Mounted at ``/salesforce`` (the login URL, where the token comes from) and, because a token's
``instance_url`` is scheme and host only, answered at the sandbox's root too: ``/services/...`` there is the
instance. Served for every version from v31.0 to v68.0 (``GET /services/data/`` lists them):
``query``/``queryAll`` with the SOQL subset in ``soql.py``, batches of ``Sforce-Query-Options:
batchSize=N`` (200-2000, default 2000) linked by ``nextRecordsUrl`` until ``done``;
``sobjects/<type>/<id>`` (``?fields=`` to choose), ``sobjects/<type>/describe`` and
``sobjects/<type>/deleted/?start=&end=``. Every data response carries
``Sforce-Limit-Info: api-usage=n/15000``. Errors are ``[{"message", "errorCode"}]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from interaction_pipeline.sandbox.responses import bearer_token, json_response
from interaction_pipeline.sandbox.salesforce import versions
from interaction_pipeline.sandbox.salesforce.oauth import token_endpoint
from interaction_pipeline.sandbox.salesforce.soql import parse_query
from interaction_pipeline.sandbox.salesforce.store import SalesforceStore, parse_stamp
from interaction_pipeline.sandbox.state import SandboxState
from interaction_pipeline.sandbox.stripe.store import SandboxError

DEFAULT_BATCH, MIN_BATCH, MAX_BATCH = 2000, 200, 2000
DAILY_API_REQUESTS = 15_000  # a Developer Edition org's allocation, reported in Sforce-Limit-Info
ROOT_PATHS = ("/services/",)  # answered at the sandbox's root as well: a real instance_url has no path


def attach(state: SandboxState) -> SalesforceStore:
    return state.vendors.setdefault("salesforce", SalesforceStore(state.clock))


def error(status: int, code: str, message: str):
    return json_response([{"message": message, "errorCode": code}], status)


def routes(state: SandboxState) -> list[BaseRoute]:
    store = attach(state)

    def data_endpoint(handler: Callable) -> Callable:
        """Version check, session check and the usage header around a REST data resource."""

        def endpoint(request: Request):
            if not versions.is_served(request.path_params["version"]):
                return error(404, "NOT_FOUND", "The requested resource does not exist")
            if bearer_token(request) not in store.tokens:
                return error(401, "INVALID_SESSION_ID", "Session expired or invalid")
            sobject = request.path_params.get("sobject")
            if sobject and sobject not in store.collections():
                return error(404, "NOT_FOUND", "The requested resource does not exist")
            if sobject and state.is_denied("salesforce", sobject):
                return error(403, "INSUFFICIENT_ACCESS", f"insufficient access rights on object {sobject}")
            try:
                with state.lock:
                    store.api_requests += 1
                    response = handler(request)
            except SandboxError as failure:
                return error(failure.status, failure.code or "INVALID_FIELD", failure.message)
            response.headers["Sforce-Limit-Info"] = f"api-usage={store.api_requests}/{DAILY_API_REQUESTS}"
            return response

        return endpoint

    def version_list(request: Request):
        return json_response(versions.api_versions())

    @data_endpoint
    def resources(request: Request):
        base = f"/services/data/{request.path_params['version']}"
        return json_response({name: f"{base}/{name}" for name in ("sobjects", "query", "queryAll", "limits")})

    @data_endpoint
    def query(request: Request):
        version = request.path_params["version"]
        parsed = parse_query(request.query_params.get("q", ""))
        if state.is_denied("salesforce", parsed.sobject):
            message = f"insufficient access rights on object {parsed.sobject}"
            raise SandboxError(403, message, "INSUFFICIENT_ACCESS")
        include_deleted = request.url.path.rstrip("/").endswith("/queryAll")
        records = store.run_query(parsed.sobject, parsed.matches, include_deleted, parsed.limit)
        selected = [_select(record, parsed.fields, parsed.sobject, version) for record in records]
        return _batch(store, version, store.open_cursor(selected), 0, _batch_size(request))

    @data_endpoint
    def more(request: Request):
        locator, _, offset = request.path_params["locator"].rpartition("-")
        if locator not in store.cursors or not offset.isdigit():
            raise SandboxError(400, "invalid query locator", "INVALID_QUERY_LOCATOR")
        return _batch(store, request.path_params["version"], locator, int(offset), _batch_size(request))

    @data_endpoint
    def describe(request: Request):
        sobject = request.path_params["sobject"]
        fields = store.describe(sobject)
        return json_response({"name": sobject, "fields": [{"name": field} for field in fields]})

    @data_endpoint
    def record(request: Request):
        sobject, version = request.path_params["sobject"], request.path_params["version"]
        found = store.get(sobject, request.path_params["record_id"])
        wanted = request.query_params.get("fields")
        fields = [f.strip() for f in wanted.split(",")] if wanted else [k for k in found if k != "attributes"]
        return json_response(_select(found, fields, sobject, version))

    @data_endpoint
    def deleted(request: Request):
        params = request.query_params
        if "start" not in params or "end" not in params:
            raise SandboxError(400, "start and end are required", "MISSING_ARGUMENT")
        start, end = parse_stamp(params["start"]), parse_stamp(params["end"])
        if end < start:
            raise SandboxError(400, "end must be after start", "INVALID_REPLICATION_DATE")
        return json_response(
            {
                "deletedRecords": store.deleted_between(request.path_params["sobject"], start, end),
                "earliestDateAvailable": params["start"],
                "latestDateCovered": params["end"],
            }
        )

    data = "/services/data/{version}"
    return [
        Route("/services/oauth2/token", token_endpoint(state, store), methods=["POST"]),
        Route("/services/data", version_list),
        Route("/services/data/", version_list),
        *_with_and_without_slash(f"{data}", resources),
        *_with_and_without_slash(f"{data}/query", query),
        *_with_and_without_slash(f"{data}/queryAll", query),
        Route(f"{data}/query/{{locator}}", more),
        Route(f"{data}/queryAll/{{locator}}", more),
        Route(f"{data}/sobjects/{{sobject}}/describe", describe),
        *_with_and_without_slash(f"{data}/sobjects/{{sobject}}/deleted", deleted),
        Route(f"{data}/sobjects/{{sobject}}/{{record_id}}", record),
    ]


def _with_and_without_slash(path: str, endpoint: Callable) -> list[Route]:
    # simple-salesforce asks for `query/?q=...`; a redirect would leave the instance's address.
    return [Route(path, endpoint), Route(f"{path}/", endpoint)]


def _batch_size(request: Request) -> int:
    options = request.headers.get("sforce-query-options", "")
    match = re.search(r"batchSize=(\d+)", options)
    return max(MIN_BATCH, min(MAX_BATCH, int(match[1]))) if match else DEFAULT_BATCH


def _select(record: dict, fields: list[str], sobject: str, version: str) -> dict:
    attributes = {"type": sobject, "url": f"/services/data/{version}/sobjects/{sobject}/{record['Id']}"}
    selected = {"attributes": attributes}
    for field in fields:
        selected[field] = record.get(field)
    return selected


def _batch(store: SalesforceStore, version: str, locator: str, offset: int, size: int):
    records = store.cursors[locator]
    end = min(len(records), offset + size)
    done = end >= len(records)
    body = {"totalSize": len(records), "done": done, "records": records[offset:end]}
    if not done:
        body["nextRecordsUrl"] = f"/services/data/{version}/query/{locator}-{end}"
    return json_response(body)
