"""The Tracking API endpoints: read → authenticate → validate → enrich → spool → answer.

Written as a raw ASGI app rather than a Starlette endpoint because it is the hot path: one pass over the
headers, one ``orjson`` parse, one encoded line per message, and an answer only once the lines are fsynced.

Everything between the parse and the spool runs in one synchronous call (:meth:`IngestEndpoint._examine`)
that returns only bytes and small tuples: the parsed objects are freed before the request waits for the disk,
so requests waiting on one fsync never hold their parsed bodies at the same time.
"""

from __future__ import annotations

import logging

import orjson

from interaction_pipeline.collector import cors
from interaction_pipeline.collector.auth import write_key_from_authorization, write_key_from_body
from interaction_pipeline.collector.body import BodyError, read_body
from interaction_pipeline.collector.config import MAX_BATCH_MESSAGES, MAX_MESSAGE_BYTES, MAX_REQUEST_BYTES
from interaction_pipeline.collector.enrichment import Arrival, InvalidTimestamp, enrich
from interaction_pipeline.collector.exact_ids import ExactIds, InexactNumber
from interaction_pipeline.collector.examined import Examined, parse_body
from interaction_pipeline.collector.refusals import (
    Refusal,
    answer_unavailable,
    client_address,
    refusal_record,
    refuse,
    store,
)
from interaction_pipeline.collector.rejects import NOT_PARSED, reject_record
from interaction_pipeline.collector.responses import error_body, send_json
from interaction_pipeline.collector.timestamps import format_utc, now_utc
from interaction_pipeline.collector.validation import problem

logger = logging.getLogger("interaction_pipeline.collector.ingest")
SUCCESS = orjson.dumps({"success": True})


def _messages(payload: dict, message_type: str | None) -> list:
    if message_type is not None:
        payload["type"] = message_type  # the path decides the type, as in Segment
        return [payload]
    batch = payload.get("batch")
    if not isinstance(batch, list):
        raise Refusal(400, "invalid_batch", "a batch body needs a 'batch' array of messages")
    if len(batch) > MAX_BATCH_MESSAGES:
        message = f"the batch has {len(batch):,} messages; the limit is {MAX_BATCH_MESSAGES:,} per batch"
        raise Refusal(400, "batch_too_large", message)
    return batch


TOO_DEEP = ("too_deeply_nested", "the message is nested more than 250 levels deep")


def _message_problem(message: object, check_size: bool) -> tuple[str, str] | None:
    found = problem(message)
    if found is None and check_size:
        try:
            size = len(orjson.dumps(message))
        except orjson.JSONEncodeError:
            return TOO_DEEP
        if size > MAX_MESSAGE_BYTES:
            return "message_too_large", f"the message exceeds the 32 KB limit ({MAX_MESSAGE_BYTES:,} bytes)"
    return found


class IngestEndpoint:
    """``POST /v1/<type>`` (``message_type`` set) or ``POST /v1/batch`` (``message_type`` None)."""

    def __init__(self, state, message_type: str | None) -> None:
        self.state = state
        self.message_type = message_type
        self.limit = MAX_MESSAGE_BYTES if message_type else MAX_REQUEST_BYTES

    async def __call__(self, scope, receive, send) -> None:
        authorization = origin = content_length = None
        encoding = b""
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value
            elif name == b"content-length":
                content_length = value
            elif name == b"content-encoding":
                encoding = value
            elif name == b"origin":
                origin = value.decode("latin-1")
        registry = self.state.registry
        if scope["method"] == "OPTIONS":
            return await cors.answer_preflight(scope, send, registry, origin)
        cors_headers = cors.response_headers(registry, origin, None)
        if scope["method"] != "POST":
            body = error_body("method_not_allowed", "use POST")
            return await send_json(send, 405, body, [(b"allow", b"POST, OPTIONS"), *cors_headers])
        received = now_utc()
        received_at = format_utc(received)
        client = client_address(scope)
        header_key = write_key_from_authorization(authorization)
        source = registry.authenticate(header_key) if header_key else None
        try:
            body, _ = await read_body(receive, self.limit, content_length, encoding)
        except BodyError as error:
            refusal = Refusal(error.status, error.code, error.message)
            record = refusal_record(received_at, scope["path"], source, refusal)
            return await refuse(self.state, send, client, source, refusal, record, cors_headers)
        fault = self.state.fault_hook(scope) if self.state.fault_hook else None
        if fault is not None:
            status, headers = fault
            return await send_json(send, status, error_body("injected_fault", "try again"), headers)
        examined = self._examine(scope, body, header_key, source, origin, received, received_at, client)
        source, headers = examined.source, examined.cors_headers or cors_headers
        if examined.refusal is not None:
            refusal, record = examined.refusal, examined.refusal_record
            return await refuse(self.state, send, client, source, refusal, record, headers)
        if not await store(self.state, client, source, received_at, examined):
            return await answer_unavailable(self.state, send, headers)
        if self.message_type is not None:
            if examined.errors:
                first = examined.errors[0]
                return await send_json(send, 400, error_body(first["code"], first["message"]), headers)
            return await send_json(send, 200, SUCCESS, headers)
        result = {
            "success": True,
            "accepted": examined.accepted,
            "rejected": len(examined.errors),
            "errors": examined.errors,
        }
        return await send_json(send, 200, result, headers)

    def _examine(self, scope, body, header_key, source, origin, received, received_at, client) -> Examined:
        examined = Examined(source=source)
        payload = NOT_PARSED
        registry = self.state.registry
        try:
            payload = parse_body(body)
            if not isinstance(payload, dict):
                raise Refusal(400, "invalid_json", "the body must be a JSON object")
            if source is None:
                key = header_key or write_key_from_body(payload)
                if key is None:
                    raise Refusal(
                        401, "missing_write_key", "send the write key as HTTP Basic user or writeKey"
                    )
                source = examined.source = registry.authenticate(key)
                if source is None:
                    raise Refusal(401, "invalid_write_key", "the write key is not known to this collector")
            if not source.allows_origin(origin):
                raise Refusal(403, "origin_not_allowed", f"origin {origin} is not allowed for this source")
            examined.cors_headers = cors.response_headers(registry, origin, source)
            messages = _messages(payload, self.message_type)
        except Refusal as refused:
            # A new exception: the caught one's traceback would keep this frame, and the parsed body, alive.
            examined.refusal = refusal = Refusal(refused.status, refused.code, refused.message)
            examined.refusal_record = refusal_record(received_at, scope["path"], source, refusal, payload)
            return examined
        exact_ids = ExactIds(body, self.message_type is None)
        batch = payload if self.message_type is None else None
        arrival = Arrival.of(received, received_at, source, client, batch)
        check_size = self.message_type is None and len(body) > MAX_MESSAGE_BYTES
        lines, entries, errors = examined.lines, examined.entries, examined.errors
        for index, message in enumerate(messages):
            found = _message_problem(message, check_size)
            if found is None:
                try:
                    try:
                        enriched = enrich(message, arrival)
                    except InexactNumber:
                        exact_ids.restore(message, index)
                        enriched = enrich(message, arrival)
                    lines.append(orjson.dumps(enriched))
                    kind = enriched["type"]
                    entries.append((kind, enriched.get("event") or enriched.get("name") or kind))
                    continue
                except InvalidTimestamp as invalid:
                    found = (invalid.code, str(invalid))
                except orjson.JSONEncodeError:  # parses (1,024 levels) but too deep to write (254)
                    found = TOO_DEEP
            code, reason = found
            examined.rejects.append(reject_record(received_at, code, reason, scope["path"], source, message))
            errors.append({"index": index, "code": code, "message": reason})
        return examined.join_lines()
