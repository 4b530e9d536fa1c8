"""Salesforce stand-in: OAuth client-credentials token, ``query``/``queryAll`` with the SOQL subset syncs use.

Mounted at ``/salesforce``; the token response's ``instance_url`` points back at this mount. Supported SOQL:
``SELECT <fields> FROM <Account|Contact|Lead|Opportunity> [WHERE SystemModstamp > <datetime>]
[ORDER BY SystemModstamp [ASC]] [LIMIT n]``. Results come in batches (``Sforce-Query-Options: batchSize=N``,
200-2000, default 2000) with ``nextRecordsUrl`` until ``done``. Errors are ``[{"message", "errorCode"}]``.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from interaction_pipeline.sandbox.responses import bearer_token, json_response
from interaction_pipeline.sandbox.salesforce.store import API_VERSION, SalesforceStore, parse_stamp
from interaction_pipeline.sandbox.state import SandboxState
from interaction_pipeline.sandbox.stripe.store import SandboxError

SOQL = re.compile(
    r"^\s*select\s+(?P<fields>.+?)\s+from\s+(?P<object>\w+)"
    r"(?:\s+where\s+systemmodstamp\s*(?P<op>>=|>)\s*(?P<stamp>\S+))?"
    r"(?:\s+order\s+by\s+systemmodstamp(?:\s+asc)?)?"
    r"(?:\s+limit\s+(?P<limit>\d+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
DEFAULT_BATCH, MIN_BATCH, MAX_BATCH = 2000, 200, 2000


def attach(state: SandboxState) -> SalesforceStore:
    return state.vendors.setdefault("salesforce", SalesforceStore(state.clock))


def error(status: int, code: str, message: str):
    return json_response([{"message": message, "errorCode": code}], status)


def routes(state: SandboxState) -> list[BaseRoute]:
    store = attach(state)
    data_path = f"/services/data/{API_VERSION}"

    async def token(request: Request):
        # A url-encoded form, parsed by hand so the sandbox needs no multipart library.
        form = {key: values[-1] for key, values in parse_qs((await request.body()).decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return json_response(
                {"error": "unsupported_grant_type", "error_description": "grant type not supported"}, 400
            )
        if (form.get("client_id"), form.get("client_secret")) != (store.client_id, store.client_secret):
            return json_response(
                {"error": "invalid_client", "error_description": "invalid client credentials"}, 400
            )
        access_token = f"00DSBX!{secrets.token_hex(16)}"
        with state.lock:
            store.tokens.add(access_token)
        instance_url = str(request.url).split("/services/oauth2/token")[0]
        return json_response(
            {
                "access_token": access_token,
                "instance_url": instance_url,
                "token_type": "Bearer",
                "issued_at": str(int(state.clock.now() * 1000)),
                "id": f"{instance_url}/id/sandbox",
                "signature": secrets.token_urlsafe(24),
            }
        )

    def authorized(request: Request) -> bool:
        return bearer_token(request) in store.tokens

    def query(request: Request):
        if not authorized(request):
            return error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        match = SOQL.match(request.query_params.get("q", ""))
        if match is None:
            return error(
                400,
                "MALFORMED_QUERY",
                "only SELECT ... FROM ... [WHERE SystemModstamp > ...] "
                "[ORDER BY SystemModstamp] [LIMIT n] is supported by the sandbox",
            )
        sobject = match["object"]
        if state.is_denied("salesforce", sobject):
            return error(403, "INSUFFICIENT_ACCESS", f"insufficient access rights on object {sobject}")
        fields = [field.strip() for field in match["fields"].split(",")]
        try:
            with state.lock:
                after = parse_stamp(match["stamp"]) if match["stamp"] else None
                records = store.run_query(
                    sobject,
                    after,
                    match["op"] == ">=",
                    include_deleted=request.url.path.endswith("/queryAll"),
                    limit=int(match["limit"]) if match["limit"] else None,
                )
                selected = [_select(record, fields, sobject) for record in records]
                return _batch(store, store.open_cursor(selected), 0, _batch_size(request))
        except SandboxError as failure:
            return error(
                failure.status, "INVALID_FIELD" if failure.status == 400 else "NOT_FOUND", failure.message
            )

    def more(request: Request):
        if not authorized(request):
            return error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        locator, _, offset = request.path_params["locator"].rpartition("-")
        with state.lock:
            if locator not in store.cursors or not offset.isdigit():
                return error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
            return _batch(store, locator, int(offset), _batch_size(request))

    def describe(request: Request):
        if not authorized(request):
            return error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        try:
            with state.lock:
                fields = store.describe(request.path_params["sobject"])
        except SandboxError as failure:
            return error(404, "NOT_FOUND", failure.message)
        return json_response(
            {"name": request.path_params["sobject"], "fields": [{"name": f} for f in fields]}
        )

    return [
        Route("/services/oauth2/token", token, methods=["POST"]),
        Route(f"{data_path}/queryAll", query),
        Route(f"{data_path}/query", query),
        Route(f"{data_path}/query/{{locator}}", more),
        Route(f"{data_path}/sobjects/{{sobject}}/describe", describe),
    ]


def _batch_size(request: Request) -> int:
    options = request.headers.get("sforce-query-options", "")
    match = re.search(r"batchSize=(\d+)", options)
    return max(MIN_BATCH, min(MAX_BATCH, int(match[1]))) if match else DEFAULT_BATCH


def _select(record: dict, fields: list[str], sobject: str) -> dict:
    selected = {"attributes": record.get("attributes", {"type": sobject})}
    for field in fields:
        selected[field] = record.get(field)
    return selected


def _batch(store: SalesforceStore, locator: str, offset: int, size: int):
    records = store.cursors[locator]
    end = min(len(records), offset + size)
    done = end >= len(records)
    body = {"totalSize": len(records), "done": done, "records": records[offset:end]}
    if not done:
        body["nextRecordsUrl"] = f"/services/data/{API_VERSION}/query/{locator}-{end}"
    return json_response(body)
