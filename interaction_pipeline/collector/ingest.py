"""The Tracking API endpoints: read → authenticate → validate → enrich → spool → answer.

Written as a raw ASGI app rather than a Starlette endpoint because it is the hot path: one pass over the
headers, one ``orjson`` parse, one encoded line per message, and an answer only once the lines are fsynced.
"""

from __future__ import annotations

import logging

import orjson

from interaction_pipeline.collector import cors
from interaction_pipeline.collector.auth import write_key_from_authorization, write_key_from_body
from interaction_pipeline.collector.body import BodyError, read_body
from interaction_pipeline.collector.committer import Overloaded
from interaction_pipeline.collector.config import MAX_BATCH_MESSAGES, MAX_MESSAGE_BYTES, MAX_REQUEST_BYTES
from interaction_pipeline.collector.enrichment import Arrival, InvalidTimestamp, enrich
from interaction_pipeline.collector.refusals import Refusal, refuse
from interaction_pipeline.collector.rejects import encode_lines, reject_record
from interaction_pipeline.collector.responses import error_body, send_json
from interaction_pipeline.collector.timestamps import format_utc, now_utc
from interaction_pipeline.collector.validation import problem

logger = logging.getLogger("interaction_pipeline.collector.ingest")
SUCCESS = orjson.dumps({"success": True})


def _parse(body: bytes) -> dict:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refusal(400, "invalid_utf8", "the body is not valid UTF-8", body) from None
        raise Refusal(400, "invalid_json", f"the body is not valid JSON: {error}", body) from None
    if not isinstance(payload, dict):
        raise Refusal(400, "invalid_json", "the body must be a JSON object", body)
    return payload


def _messages(payload: dict, message_type: str | None, body: bytes) -> list:
    if message_type is not None:
        payload["type"] = message_type  # the path decides the type, as in Segment
        return [payload]
    batch = payload.get("batch")
    if not isinstance(batch, list):
        raise Refusal(400, "invalid_batch", "a batch body needs a 'batch' array of messages", body)
    if len(batch) > MAX_BATCH_MESSAGES:
        message = f"the batch has {len(batch):,} messages; the limit is {MAX_BATCH_MESSAGES:,} per batch"
        raise Refusal(400, "batch_too_large", message, body)
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


def _raw_message(message: object) -> bytes:
    """The rejected message as JSON for the rejects spool, without its write key."""
    if isinstance(message, dict):
        message = {key: value for key, value in message.items() if key != "writeKey"}
    try:
        return orjson.dumps(message)
    except orjson.JSONEncodeError:
        return b"(not shown: nested too deeply to re-encode)"


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
        header_key = write_key_from_authorization(authorization)
        source = registry.authenticate(header_key) if header_key else None
        try:
            body, raw = await read_body(receive, self.limit, content_length, encoding)
        except BodyError as error:
            return await self._refuse(send, scope, received_at, source, cors_headers, error)
        fault = self.state.fault_hook(scope) if self.state.fault_hook else None
        if fault is not None:
            status, headers = fault
            return await send_json(send, status, error_body("injected_fault", "try again"), headers)
        try:
            payload = _parse(body)
            if source is None:
                key = header_key or write_key_from_body(payload)
                if key is None:
                    raise Refusal(
                        401, "missing_write_key", "send the write key as HTTP Basic user or writeKey"
                    )
                source = registry.authenticate(key)
                if source is None:
                    raise Refusal(401, "invalid_write_key", "the write key is not known to this collector")
            if not source.allows_origin(origin):
                raise Refusal(403, "origin_not_allowed", f"origin {origin} is not allowed for this source")
            cors_headers = cors.response_headers(registry, origin, source)
            messages = _messages(payload, self.message_type, body)
        except Refusal as refusal:
            refusal.raw = refusal.raw or raw
            return await self._refuse(send, scope, received_at, source, cors_headers, refusal)
        await self._accept(
            send, scope, received, received_at, source, payload, messages, cors_headers, len(body)
        )

    async def _accept(self, send, scope, received, received_at, source, payload, messages, headers, size):
        client = scope.get("client")
        client_ip = client[0] if client else None
        batch = payload if self.message_type is None else None
        arrival = Arrival.of(received, received_at, source, client_ip, batch)
        check_size = self.message_type is None and size > MAX_MESSAGE_BYTES
        accepted, lines, rejects, errors = [], [], [], []
        for index, message in enumerate(messages):
            found = _message_problem(message, check_size)
            if found is None:
                try:
                    enriched = enrich(message, arrival)
                    lines.append(orjson.dumps(enriched))
                    accepted.append(enriched)
                    continue
                except InvalidTimestamp as invalid:
                    found = (invalid.code, str(invalid))
                except orjson.JSONEncodeError:  # parses (1,024 levels) but too deep to write (254)
                    found = TOO_DEEP
            code, reason = found
            rejects.append(
                reject_record(received_at, code, reason, scope["path"], source, _raw_message(message))
            )
            errors.append({"index": index, "code": code, "message": reason})
        events_data = b"\n".join(lines) + b"\n" if lines else b""
        try:
            if events_data or rejects:
                await self.state.committer.submit(events_data, encode_lines(rejects))
        except (Overloaded, OSError):
            retry = str(self.state.config.retry_after_seconds).encode()
            body = error_body("unavailable", "the collector cannot store events right now; retry later")
            return await send_json(send, 503, body, [(b"retry-after", retry), *headers])
        self.state.live_view.record_accepted(source.name, received_at, accepted, lines)
        self.state.live_view.record_rejects(rejects)
        if self.message_type is not None:
            if errors:
                return await send_json(
                    send, 400, error_body(errors[0]["code"], errors[0]["message"]), headers
                )
            return await send_json(send, 200, SUCCESS, headers)
        result = {"success": True, "accepted": len(lines), "rejected": len(errors), "errors": errors}
        return await send_json(send, 200, result, headers)

    async def _refuse(self, send, scope, received_at, source, headers, refusal) -> None:
        await refuse(self.state, send, scope["path"], received_at, source, refusal, headers)
