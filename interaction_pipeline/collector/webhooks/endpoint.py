"""``POST /webhooks/<kind>[/<write key>]``: read → authenticate → verify the partner's signature → map each
event to a Segment message → enrich → group-commit to the spool → answer once it is fsynced.

The answers are chosen for what partners do with them. A bad event inside a good request is stored as a
reject and the request still gets 2xx: no partner can fix an event by retrying, and Customer.io holds back
every later webhook behind one that keeps failing. Malformed bodies get 400 (Braze then resends the batch one
event at a time), oversize ones 413 (Braze splits the batch), a missing or wrong key or signature 401, and a
spool that cannot keep up 503 with ``Retry-After`` (every partner retries that).
"""

from __future__ import annotations

import orjson

from interaction_pipeline.collector.auth import webhook_key
from interaction_pipeline.collector.body import BodyError, read_body
from interaction_pipeline.collector.committer import Overloaded
from interaction_pipeline.collector.enrichment import Arrival
from interaction_pipeline.collector.refusals import Refusal, refuse
from interaction_pipeline.collector.rejects import encode_lines, reject_record
from interaction_pipeline.collector.responses import error_body, send_json
from interaction_pipeline.collector.timestamps import format_utc, now_utc
from interaction_pipeline.collector.webhooks.common import Invalid, stamp
from interaction_pipeline.collector.webhooks.partner import EnvelopeError
from interaction_pipeline.collector.webhooks.partners import PARTNERS
from interaction_pipeline.collector.webhooks.signatures import VERIFIERS

PREFIX = "/webhooks/"
TOO_DEEP = ("too_deeply_nested", "the event is nested too deeply to store")
NOTHING_TO_DO = orjson.dumps({"success": True, "accepted": 0, "rejected": 0, "errors": []})


def _parse(body: bytes) -> object:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise Refusal(400, "invalid_json", f"the body is not valid JSON: {error}", body) from None


def _raw(event: object) -> bytes:
    try:
        return orjson.dumps(event)
    except orjson.JSONEncodeError:
        return b"(not shown: nested too deeply to re-encode)"


class WebhookEndpoint:
    """One ASGI app for every partner; the path names the partner and may carry the write key."""

    def __init__(self, state) -> None:
        self.state = state

    async def __call__(self, scope, receive, send) -> None:
        kind, _, path_key = scope["path"][len(PREFIX) :].partition("/")
        partner = PARTNERS.get(kind)
        # The key never reaches a reject record or a log: records carry the path without it.
        path = PREFIX + kind
        if partner is None or "/" in path_key:
            known = ", ".join(sorted(PARTNERS))
            body = error_body("unknown_partner", f"no webhook endpoint {path}; partners: {known}")
            return await send_json(send, 404, body)
        if scope["method"] != "POST":
            return await send_json(
                send, 405, error_body("method_not_allowed", "use POST"), [(b"allow", b"POST")]
            )
        headers = dict(scope["headers"])
        received = now_utc()
        received_at = format_utc(received)
        key = path_key or webhook_key(headers.get(b"authorization"))
        source = self.state.registry.authenticate(key) if key else None
        try:
            body, raw = await read_body(
                receive,
                partner.max_request_bytes,
                headers.get(b"content-length"),
                headers.get(b"content-encoding", b""),
            )
        except BodyError as error:
            return await refuse(self.state, send, path, received_at, source, error)
        fault = self.state.fault_hook(scope) if self.state.fault_hook else None
        if fault is not None:
            status, fault_headers = fault
            return await send_json(send, status, error_body("injected_fault", "try again"), fault_headers)
        try:
            self._check_credentials(partner, key, source, headers, raw)
            if not body.strip():
                # Braze posts an empty body to check the credentials: a no-op once they are right.
                return await send_json(send, 200, NOTHING_TO_DO)
            events = partner.unpack(_parse(body), partner.max_events)
        except EnvelopeError as error:
            refusal = Refusal(error.status, error.code, error.message, raw)
            return await refuse(self.state, send, path, received_at, source, refusal)
        except Refusal as refusal:
            refusal.raw = refusal.raw or raw
            return await refuse(self.state, send, path, received_at, source, refusal)
        client = scope.get("client")
        arrival = Arrival.of(received, received_at, source, client[0] if client else None, None)
        await self._accept(send, path, arrival, partner, events)

    def _check_credentials(self, partner, key, source, headers, raw) -> None:
        kind = partner.kind
        if key is None:
            how = (
                f"Authorization: Bearer <key>, HTTP Basic with the key as user name, or {PREFIX}{kind}/<key>"
            )
            raise Refusal(401, "missing_write_key", f"send the write key as {how}")
        if source is None:
            raise Refusal(401, "invalid_write_key", "the write key is not known to this collector")
        if source.kind != kind:
            message = f"this write key belongs to a {source.kind} source; post to {PREFIX}{source.kind}"
            raise Refusal(401, "wrong_partner", message)
        secret = self.state.registry.signing_secret(source)
        if secret is not None and partner.signature is not None:
            reason = VERIFIERS[partner.signature](secret, headers, raw)
            if reason is not None:
                raise Refusal(401, "invalid_signature", reason)

    async def _accept(self, send, path: str, arrival: Arrival, partner, events: list) -> None:
        accepted, lines, rejects, errors = [], [], [], []
        for index, event in enumerate(events):
            # The mappings build valid track messages with canonical timestamps, so the Tracking API's
            # per-message validation and clock-skew correction have nothing to do here.
            try:
                message = stamp(partner.to_message(event), arrival)
                lines.append(orjson.dumps(message))
                accepted.append(message)
                continue
            except Invalid as invalid:
                found = (invalid.code, invalid.reason)
            except orjson.JSONEncodeError:
                found = TOO_DEEP
            code, reason = found
            rejects.append(
                reject_record(arrival.received_text, code, reason, path, arrival.source, _raw(event))
            )
            errors.append({"index": index, "code": code, "message": reason})
        try:
            if lines or rejects:
                events_data = b"\n".join(lines) + b"\n" if lines else b""
                await self.state.committer.submit(events_data, encode_lines(rejects))
        except (Overloaded, OSError):
            retry = str(self.state.config.retry_after_seconds).encode()
            body = error_body("unavailable", "the collector cannot store events right now; retry later")
            return await send_json(send, 503, body, [(b"retry-after", retry)])
        self.state.live_view.record_accepted(arrival.source.name, arrival.received_text, accepted, lines)
        self.state.live_view.record_rejects(rejects)
        result = {"success": True, "accepted": len(lines), "rejected": len(errors), "errors": errors}
        await send_json(send, 200, result)
