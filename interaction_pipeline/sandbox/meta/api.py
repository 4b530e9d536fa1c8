"""Meta Custom Audiences stand-in (Graph API v25.0 shapes), mounted under /meta.

- `POST /{version}/act_{account}/customaudiences` creates an audience; `GET /{version}/{id}` reads it (with
  its size as `approximate_count_lower_bound`/`_upper_bound`), `DELETE /{version}/{id}` deletes it.
- `POST /{version}/{audience_id}/users` adds, `DELETE` removes, `POST .../usersreplace` replaces, each with
  `payload={schema, data}` (JSON body, or form fields holding JSON) and optional `session`.
- Rows must match the schema; hashed keys must be 64 lowercase hex (a raw email is an invalid entry, reported
  in `num_invalid_entries` and `invalid_entry_samples`, keyed by the row's values joined with ","); more than
  10,000 rows is error 100. Errors use Graph's shape `{"error": {message, type, code, error_subcode}}`.
- `GET /meta/_sandbox/audiences` shows every audience and its members; `POST /meta/_sandbox/reset` forgets
  every audience (as a new ad account would), or with `{"members_only": true}` empties them (as someone
  clearing the list in Ads Manager would), optionally only `{"audience_id": ...}`; faults come from
  `/_sandbox/faults`.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from interaction_pipeline.sandbox.fault_middleware import refused_rows

MAX_ROWS = 10_000
FIRST_ID = 23850000000000001
HASHED_KEYS = {
    "EMAIL",
    "PHONE",
    "FN",
    "LN",
    "FI",
    "GEN",
    "DOBY",
    "DOBM",
    "DOBD",
    "CT",
    "ST",
    "ZIP",
    "COUNTRY",
    "EMAIL_SHA256",
    "PHONE_SHA256",
}
PLAIN_KEYS = {"EXTERN_ID", "MADID"}
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class MetaAudience:
    id: str
    name: str
    members: dict[str, dict[str, str]] = field(default_factory=dict)
    replacing: dict[int, dict[str, dict[str, str]]] = field(default_factory=dict)
    operation_status: str = "normal"


@dataclass
class MetaStore:
    audiences: dict[str, MetaAudience] = field(default_factory=dict)
    # Unique across sandbox restarts, as Meta's ids are: an id remembered from an earlier sandbox is not found
    # (and the audience is made again) rather than naming another audience.
    ids: Any = field(
        default_factory=lambda: itertools.count(23850000000000001 + 10 * secrets.randbelow(10**12))
    )
    requests: int = 0


def graph_error(message: str, code: int = 100, subcode: int | None = None, status: int = 400) -> JSONResponse:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "sandbox"}
    if subcode:
        error["error_subcode"] = subcode
    return JSONResponse({"error": error}, status_code=status)


def fault_answer(status: int, code: str | None) -> tuple[dict, dict[str, str]]:
    """An injected error as Graph sends it: 80003 is the custom-audience rate limit, 2 a transient error."""
    error = {
        "message": "Sandbox injected fault",
        "type": "OAuthException",
        "code": 80003 if status == 429 else 2,
        "is_transient": True,
        "fbtrace_id": "sandbox",
    }
    return {"error": error}, {}


async def _params(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        return orjson.loads(await request.body())
    form = dict(await request.form())
    merged: dict[str, Any] = {**dict(request.query_params), **form}
    for key in ("payload", "session"):
        if isinstance(merged.get(key), str):
            merged[key] = json.loads(merged[key])
    return merged


def _authorized(request: Request, params: dict) -> bool:
    header = request.headers.get("authorization", "")
    return bool(params.get("access_token") or request.query_params.get("access_token") or header[7:].strip())


def _row_problem(schema: list[str], row: list[Any]) -> str | None:
    if len(row) != len(schema):
        return f"row has {len(row)} values for {len(schema)} schema keys"
    for key, value in zip(schema, row, strict=True):
        if value in ("", None):
            continue
        if key in HASHED_KEYS and not SHA256.match(str(value)):
            return f"{key} is not a SHA-256 hex digest"
    if all(value in ("", None) for value in row):
        return "row is empty"
    return None


def _apply_rows(schema: list[str], data: list[list[Any]], refuse: int) -> tuple[list[dict], dict[str, str]]:
    valid, invalid = [], {}
    for index, row in enumerate(data):
        problem = _row_problem(schema, row) or (
            "refused by injected partial failure" if index < refuse else None
        )
        if problem:
            invalid[",".join(str(v) for v in row)] = problem
        else:
            valid.append({k: str(v) for k, v in zip(schema, row, strict=True) if v not in ("", None)})
    return valid, invalid


def member_key(member: dict[str, str]) -> str:
    return "|".join(f"{key}={member[key]}" for key in sorted(member))


def routes(state: Any = None) -> list[BaseRoute]:
    store = MetaStore()

    async def create_audience(request: Request) -> JSONResponse:
        params = await _params(request)
        if not _authorized(request, params):
            return graph_error("Invalid OAuth access token.", code=190)
        if not request.path_params["account"].startswith("act_"):
            return graph_error("Ad account ids start with act_")
        audience_id = str(next(store.ids))
        store.audiences[audience_id] = MetaAudience(id=audience_id, name=params.get("name", audience_id))
        return JSONResponse({"id": audience_id})

    async def read_audience(request: Request) -> JSONResponse:
        audience = store.audiences.get(request.path_params["audience_id"])
        if audience is None:
            return graph_error("Unsupported get request. Object does not exist", code=100, subcode=33)
        return JSONResponse(
            {
                "id": audience.id,
                "name": audience.name,
                "approximate_count_lower_bound": len(audience.members),
                "approximate_count_upper_bound": len(audience.members),
                "operation_status": {"code": 200, "description": audience.operation_status},
            }
        )

    async def delete_audience(request: Request) -> JSONResponse:
        if store.audiences.pop(request.path_params["audience_id"], None) is None:
            return graph_error("Unsupported delete request. Object does not exist", code=100, subcode=33)
        return JSONResponse({"success": True})

    async def reset(request: Request) -> JSONResponse:
        body = orjson.loads(await request.body() or b"{}")
        chosen = [body["audience_id"]] if body.get("audience_id") else list(store.audiences)
        for audience_id in chosen:
            if body.get("members_only") and audience_id in store.audiences:
                store.audiences[audience_id].members.clear()
            else:
                store.audiences.pop(audience_id, None)
        return JSONResponse({"reset": chosen})

    async def users(request: Request) -> JSONResponse:
        store.requests += 1
        refuse = refused_rows(request)
        params = await _params(request)
        if not _authorized(request, params):
            return graph_error("Invalid OAuth access token.", code=190)
        audience = store.audiences.get(request.path_params["audience_id"])
        if audience is None:
            return graph_error("Unsupported post request. Object does not exist", code=100, subcode=33)
        payload = params.get("payload") or {}
        schema = payload.get("schema")
        schema = [schema] if isinstance(schema, str) else schema
        data = payload.get("data")
        if not schema or not isinstance(data, list):
            return graph_error("(#100) payload must contain schema and data")
        unknown = [key for key in schema if key not in HASHED_KEYS | PLAIN_KEYS]
        if unknown:
            return graph_error(f"(#100) Invalid schema keys: {unknown}")
        if len(data) > MAX_ROWS:
            return graph_error(f"(#100) Too many users in one request: {len(data)} > {MAX_ROWS}")
        replace = request.url.path.endswith("usersreplace")
        method = "DELETE" if request.method == "DELETE" or params.get("method") == "DELETE" else "POST"
        session = params.get("session") or {}
        if replace and audience.operation_status == "replace_in_progress" and session.get("batch_seq") == 1:
            return graph_error("Another replace is in progress", code=2650, subcode=1870145)
        if not replace and audience.operation_status == "replace_in_progress":
            return graph_error("Audience update in progress", code=2650, subcode=1870145)
        valid, invalid = _apply_rows(schema, data, refuse)
        if replace:
            session_id = int(session.get("session_id", 0))
            if session_id not in audience.replacing and session.get("batch_seq", 1) != 1:
                return graph_error("First batch_seq must be 1", code=2650, subcode=1870147)
            pending = audience.replacing.setdefault(session_id, {})
            audience.operation_status = "replace_in_progress"
            pending.update((member_key(m), m) for m in valid)
            if session.get("last_batch_flag", True):
                audience.members = audience.replacing.pop(session_id)
                audience.operation_status = "normal"
        elif method == "DELETE":
            for member in valid:
                audience.members.pop(member_key(member), None)
        else:
            audience.members.update((member_key(m), m) for m in valid)
        samples = dict(itertools.islice(invalid.items(), 100))
        return JSONResponse(
            {
                "audience_id": audience.id,
                "session_id": str(session.get("session_id", "")),
                "num_received": len(data),
                "num_invalid_entries": len(invalid),
                "invalid_entry_samples": samples,
            }
        )

    async def show(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "requests": store.requests,
                "audiences": {
                    a.id: {
                        "name": a.name,
                        "operation_status": a.operation_status,
                        "members": sorted(a.members.values(), key=member_key),
                    }
                    for a in store.audiences.values()
                },
            }
        )

    return [
        Route("/_sandbox/audiences", show, methods=["GET"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/{version}/{account}/customaudiences", create_audience, methods=["POST"]),
        Route("/{version}/{audience_id}/users", users, methods=["POST", "DELETE"]),
        Route("/{version}/{audience_id}/usersreplace", users, methods=["POST"]),
        Route("/{version}/{audience_id}", read_audience, methods=["GET"]),
        Route("/{version}/{audience_id}", delete_audience, methods=["DELETE"]),
    ]
