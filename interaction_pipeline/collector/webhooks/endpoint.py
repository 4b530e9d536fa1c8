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
from interaction_pipeline.collector.enrichment import Arrival
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
from interaction_pipeline.collector.webhooks.common import Invalid, stamp
from interaction_pipeline.collector.webhooks.partner import EnvelopeError
from interaction_pipeline.collector.webhooks.partners import PARTNERS
from interaction_pipeline.collector.webhooks.signatures import VERIFIERS

PREFIX = "/webhooks/"
CREDENTIAL_CODES = frozenset({"missing_write_key", "invalid_write_key", "wrong_partner", "invalid_signature"})
TOO_DEEP = ("too_deeply_nested", "the event is nested too deeply to store")
NOTHING_TO_DO = orjson.dumps({"success": True, "accepted": 0, "rejected": 0, "errors": []})


def _document_or_not_parsed(body: bytes) -> object:
    """The body parsed for a reject record, when it parses within the caps."""
    try:
        return parse_body(body)
    except Refusal:
        return NOT_PARSED


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
        client = client_address(scope)
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
            refusal = Refusal(error.status, error.code, error.message)
            record = refusal_record(received_at, path, source, refusal)
            return await refuse(self.state, send, client, source, refusal, record)
        fault = self.state.fault_hook(scope) if self.state.fault_hook else None
        if fault is not None:
            status, fault_headers = fault
            return await send_json(send, status, error_body("injected_fault", "try again"), fault_headers)
        if not body.strip():
            # Braze posts an empty body to check the credentials: a no-op once they are right.
            try:
                self._check_credentials(partner, key, source, headers, raw)
            except Refusal as refusal:
                record = refusal_record(received_at, path, source, refusal)
                return await refuse(self.state, send, client, source, refusal, record)
            return await send_json(send, 200, NOTHING_TO_DO)
        arrival = Arrival.of(received, received_at, source, client, None) if source else None
        examined = self._examine(partner, path, received_at, key, source, headers, body, raw, arrival)
        if examined.refusal is not None:
            refusal, record = examined.refusal, examined.refusal_record
            return await refuse(self.state, send, client, source, refusal, record)
        if not await store(self.state, client, source, received_at, examined):
            return await answer_unavailable(self.state, send)
        result = {
            "success": True,
            "accepted": examined.accepted,
            "rejected": len(examined.errors),
            "errors": examined.errors,
        }
        await send_json(send, 200, result)

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

    def _examine(self, partner, path, received_at, key, source, headers, body, raw, arrival) -> Examined:
        """Parse, check and map the events synchronously; only bytes and small tuples come back."""
        examined = Examined(source=source)
        document = NOT_PARSED
        try:
            self._check_credentials(partner, key, source, headers, raw)
            document = parse_body(body)
            events = partner.unpack(document, partner.max_events)
        except (EnvelopeError, Refusal) as error:
            examined.refusal = Refusal(error.status, error.code, error.message)
            if document is NOT_PARSED and error.code in CREDENTIAL_CODES:
                document = _document_or_not_parsed(body)  # the record shows what was sent
            examined.refusal_record = refusal_record(received_at, path, source, examined.refusal, document)
            return examined
        for index, event in enumerate(events):
            # The mappings build valid track messages with canonical timestamps, so the Tracking API's
            # per-message validation and clock-skew correction have nothing to do here.
            try:
                message = stamp(partner.to_message(event), arrival)
                examined.lines.append(orjson.dumps(message))
                examined.entries.append(("track", message["event"]))
                continue
            except Invalid as invalid:
                found = (invalid.code, invalid.reason)
            except orjson.JSONEncodeError:
                found = TOO_DEEP
            code, reason = found
            examined.rejects.append(
                reject_record(arrival.received_text, code, reason, path, arrival.source, event)
            )
            examined.errors.append({"index": index, "code": code, "message": reason})
        return examined.join_lines()
