"""Webhook (signed Segment messages) and file (CSV / Parquet per run) destinations."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

import duckdb
import orjson
import pytest
import requests
from destination_helpers import make_target, member, write_audience

from interaction_pipeline import settings
from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.file import FileDestination
from interaction_pipeline.destinations.webhook import WebhookDestination, sign
from interaction_pipeline.http_client import RetryPolicy

FAST = RetryPolicy(attempts=4, backoff=0.01, backoff_max=0.05)


def webhook(url: str, secret: str = "sandbox", timeout: float = 5.0) -> WebhookDestination:
    return WebhookDestination(f"{url}/webhook/audiences", secret, timeout=timeout, policy=FAST)


def received(url: str) -> dict:
    return requests.get(f"{url}/webhook/_sandbox/received", timeout=5).json()


def test_the_signature_covers_the_time_and_the_body():
    # printf '1700000000.{}' | openssl dgst -sha256 -hmac secret
    digest = hmac.new(b"secret", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert sign(b"{}", "secret", 1700000000) == f"t=1700000000,v1={digest}"
    assert sign(b"{}", "secret", 1700000000) != sign(b"{} ", "secret", 1700000000)
    assert sign(b"{}", "secret", 1700000000) != sign(b"{}", "secret", 1700000001)


def _post_signed(sandbox_url: str, body: bytes, signature: str) -> requests.Response:
    headers = {"Content-Type": "application/json", "X-Signature": signature}
    return requests.post(f"{sandbox_url}/webhook/audiences", data=body, headers=headers, timeout=5)


def test_a_captured_request_replayed_later_is_refused_by_the_receiver(sandbox_url):
    body = orjson.dumps({"batch": [{"type": "track", "event": "Audience Entered", "messageId": "m-1",
                                    "userId": "u-1"}]})  # fmt: skip
    captured_at = int(time.time()) - 600  # sent ten minutes ago, and replayed now
    replayed = _post_signed(sandbox_url, body, sign(body, "sandbox", captured_at))
    assert replayed.status_code == 401 and "older than 300 seconds" in replayed.json()["message"]
    # Moving the time forward does not help without the secret: the time is part of what is signed.
    old_digest = sign(body, "sandbox", captured_at).partition(",v1=")[2]
    forged = _post_signed(sandbox_url, body, f"t={int(time.time())},v1={old_digest}")
    assert forged.status_code == 401 and forged.json()["message"] == "X-Signature does not match"
    body_only = "sha256=" + hmac.new(b"sandbox", body, hashlib.sha256).hexdigest()
    assert _post_signed(sandbox_url, body, body_only).status_code == 401
    assert _post_signed(sandbox_url, body, sign(body, "sandbox")).status_code == 200


def test_the_receiver_check_in_the_docs_accepts_a_fresh_signature_and_refuses_a_replay():
    page = (settings.PROJECT_ROOT / "docs" / "activation.md").read_text()
    section = page.split("## Verifying the webhook signature", 1)[1]
    namespace: dict = {}
    exec(re.search(r"```python\n(.*?)```", section, re.S).group(1), namespace)
    verified, body = namespace["verified"], b'{"batch": []}'
    assert verified(sign(body, "s3cret"), body, "s3cret")
    assert not verified(sign(body, "s3cret", int(time.time()) - 600), body, "s3cret")
    assert not verified(sign(body, "s3cret"), body + b" ", "s3cret")
    assert not verified(sign(body, "other"), body, "s3cret")
    assert not verified("sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest(), body, "s3cret")


def test_webhook_sends_identify_and_entered_then_exited_and_survives_faults(sandbox_url, warehouse):
    target = make_target("webhook", name="hooked")
    rules = [
        {"prefix": "/webhook", "path_contains": "/audiences", "status": 429, "retry_after": 0, "times": 1},
        {"prefix": "/webhook", "path_contains": "/audiences", "status": 500, "times": 1},
        {"prefix": "/webhook", "path_contains": "/audiences", "delay": 0.6, "times": 1},
    ]
    requests.post(f"{sandbox_url}/_sandbox/faults", json={"rules": rules}, timeout=5).raise_for_status()
    outcome = sync_target(warehouse, target, webhook(sandbox_url, timeout=0.3))
    assert (outcome.added, outcome.failed, outcome.counts["messages_sent"]) == (150, 0, 300)
    assert received(sandbox_url)["audiences"]["hooked"] == sorted(f"u{i}" for i in range(150))
    # The sandbox serves the whole module (both warehouses): its counts are compared with before this sync.
    exited_before = received(sandbox_url)["events"].get("Audience Exited", 0)
    write_audience(warehouse, "aud_test", [member(i) for i in range(149)])
    sync_target(warehouse, target, webhook(sandbox_url))
    state = received(sandbox_url)
    assert "u149" not in state["audiences"]["hooked"]
    assert state["events"]["Audience Exited"] == exited_before + 1
    log = warehouse.execute(
        "select count(*) from pipeline.audience_sync_log where audience='hooked' and status='retried'"
    ).fetchall()[0][0]
    assert log == 3


def test_a_wrong_secret_is_refused_and_nothing_is_confirmed(sandbox_url, warehouse):
    outcome = sync_target(warehouse, make_target("webhook", name="unsigned"), webhook(sandbox_url, "wrong"))
    assert outcome.added == 0 and outcome.failed == 150
    reason = warehouse.execute(
        "select reason from pipeline.audience_sync_log where audience='unsigned' and status='failed' limit 1"
    ).fetchall()[0][0]
    assert "401" in reason and "bad_signature" in reason


def test_file_destination_writes_added_and_removed_per_run(pipeline_home, warehouse):
    folder = pipeline_home / "exports" / "audiences"
    target = make_target("file", {"format": "parquet"}, name="export")
    first = sync_target(warehouse, target, FileDestination(folder))
    assert first.added == 150
    (run,) = (folder / "export").iterdir()
    rows = duckdb.sql(f"select email, phone from '{run / 'added.parquet'}' order by profile_id").fetchall()
    assert rows[1] == ("person.1@example.com", "+14155550001")
    assert sync_target(warehouse, target, FileDestination(folder)).requests == 0
    write_audience(warehouse, "aud_test", [member(i) for i in range(140)])
    csv_target = make_target("file", {"format": "csv"}, name="export")
    sync_target(warehouse, csv_target, FileDestination(folder))
    removed = sorted((folder / "export").glob("*/removed.csv"))
    assert len(removed) == 1
    assert duckdb.sql(f"select count(*) from '{removed[0]}'").fetchall()[0][0] == 10


def test_an_identifier_change_is_one_identify_not_an_exit_and_an_entry(sandbox_url, warehouse):
    target = make_target("webhook", name="moved")
    sync_target(warehouse, target, webhook(sandbox_url))
    before = received(sandbox_url)["events"]
    people = [member(i) for i in range(150)]
    people[5]["email"] = "new.home@example.com"
    write_audience(warehouse, "aud_test", people)
    outcome = sync_target(warehouse, target, webhook(sandbox_url))
    assert (outcome.added, outcome.removed, outcome.counts["messages_sent"]) == (1, 0, 1)
    after = received(sandbox_url)
    assert after["events"] == before and "u5" in after["audiences"]["moved"]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/hooks/audiences", ""),
        ("/hooks/audiences/", ""),
        ("/hooks/audiences", "token=a%2Fb&team=growth"),
        ("/v1/hooks/audiences/", "token=abc"),
    ],
)
def test_the_webhook_posts_to_its_url_exactly_as_configured(httpserver, warehouse, path, query):
    httpserver.expect_request(path, method="POST").respond_with_json({"success": True})
    url = httpserver.url_for(path) + (f"?{query}" if query else "")
    outcome = sync_target(
        warehouse, make_target("webhook", name="exact"), WebhookDestination(url, "s", policy=FAST)
    )
    assert (outcome.added, outcome.failed) == (150, 0)
    assert {(request.path, request.query_string.decode()) for request, _ in httpserver.log} == {(path, query)}
