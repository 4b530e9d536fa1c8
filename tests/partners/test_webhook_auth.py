"""The write key is accepted in every form a partner can send it; wrong keys and bad signatures get 401."""

from __future__ import annotations

import base64
import time

import orjson
import pytest

from interaction_pipeline import settings
from interaction_pipeline.collector.registry import set_signing_secret
from interaction_pipeline.collector.webhooks.signatures import sign_customerio
from partners import braze_events, customerio_events
from partners.conftest import rejects

BRAZE = {"events": [braze_events.cases()[1].event]}
OPENED = customerio_events.cases()[6].event


@pytest.mark.parametrize("form", ["bearer", "basic", "bare", "path"])
def test_the_write_key_is_accepted_as_bearer_basic_bare_or_path(webhook_collector, form):
    answer = webhook_collector.post("braze", BRAZE, auth=form)
    assert answer.status == 200 and answer.json()["accepted"] == 1


def test_a_missing_key_is_refused_with_the_ways_to_send_one(webhook_collector):
    answer = webhook_collector.post("braze", BRAZE, auth=None)
    assert answer.status == 401
    assert answer.json()["code"] == "missing_write_key" and "Bearer" in answer.json()["message"]


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-key", "Basic " + base64.b64encode(b"not-a-key:").decode(), "not-a-key"],
)
def test_a_wrong_key_is_refused_and_only_a_reject_record_is_kept(webhook_collector, authorization):
    answer = webhook_collector.post("braze", BRAZE, auth=None, headers={"Authorization": authorization})
    assert answer.status == 401 and answer.json()["code"] == "invalid_write_key"
    webhook_collector.stop()
    [record] = rejects(webhook_collector.home)
    assert record["code"] == "invalid_write_key" and record["_source"] is None
    assert not list(webhook_collector.home.glob("spool/events/*/*.ndjson"))
    assert "not-a-key" not in orjson.dumps(record).decode()


def test_a_wrong_key_in_the_path_never_reaches_the_reject_record(webhook_collector):
    path_key = webhook_collector.keys["braze"][::-1]
    webhook_collector.keys["braze"] = path_key
    assert webhook_collector.post("braze", BRAZE, auth="path").status == 401
    webhook_collector.stop()
    [record] = rejects(webhook_collector.home)
    assert record["path"] == "/webhooks/braze" and path_key not in orjson.dumps(record).decode()


def test_a_key_of_another_partner_is_refused(webhook_collector):
    webhook_collector.keys["braze"] = webhook_collector.keys["iterable"]
    answer = webhook_collector.post("braze", BRAZE)
    assert answer.status == 401 and answer.json()["code"] == "wrong_partner"
    assert "/webhooks/iterable" in answer.json()["message"]


def _signed(secret: str, body: bytes, timestamp: str | None = None) -> dict:
    timestamp = timestamp or str(int(time.time()))
    return {"X-CIO-Timestamp": timestamp, "X-CIO-Signature": sign_customerio(secret, timestamp, body)}


def test_a_customerio_signature_is_checked_once_the_source_holds_the_signing_secret(webhook_collector):
    body = orjson.dumps(OPENED)
    assert webhook_collector.post("customerio", body, auth="path").status == 200  # no secret yet: key only
    set_signing_secret(settings.paths().sources_registry, "customerio-prod", "whsec-signing-key")
    time.sleep(1.1)  # the collector rereads the registry and secrets at most once a second
    signed = webhook_collector.post(
        "customerio", body, auth="path", headers=_signed("whsec-signing-key", body)
    )
    assert signed.status == 200 and signed.json()["accepted"] == 1
    unsigned = webhook_collector.post("customerio", body, auth="path")
    assert unsigned.status == 401 and unsigned.json()["code"] == "invalid_signature"
    forged = webhook_collector.post("customerio", body, auth="path", headers=_signed("another-key", body))
    assert forged.status == 401 and "does not match" in forged.json()["message"]
    tampered = body.replace(b"opened", b"clicked")
    replayed = webhook_collector.post(
        "customerio", tampered, auth="path", headers=_signed("whsec-signing-key", body)
    )
    assert replayed.status == 401


def test_the_signing_secret_file_is_readable_by_its_owner_only(pipeline_home):
    from interaction_pipeline.collector.registry import create_source

    registry = settings.paths().sources_registry
    create_source(registry, "cio", "customerio")
    set_signing_secret(registry, "cio", "whsec-signing-key")
    secrets = registry.with_name("source_secrets.json")
    assert secrets.stat().st_mode & 0o777 == 0o600
    assert "whsec-signing-key" not in registry.read_text()
    set_signing_secret(registry, "cio", None)
    assert "whsec-signing-key" not in secrets.read_text()
