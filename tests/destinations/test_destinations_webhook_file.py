"""Webhook (signed Segment messages) and file (CSV / Parquet per run) destinations."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest
import requests
from destination_helpers import make_target, member, write_audience

from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.file import FileDestination
from interaction_pipeline.destinations.webhook import WebhookDestination, sign
from interaction_pipeline.http_client import RetryPolicy

FAST = RetryPolicy(attempts=4, backoff=0.01, backoff_max=0.05)


def webhook(url: str, secret: str = "sandbox", timeout: float = 5.0) -> WebhookDestination:
    return WebhookDestination(f"{url}/webhook/audiences", secret, timeout=timeout, policy=FAST)


def received(url: str) -> dict:
    return requests.get(f"{url}/webhook/_sandbox/received", timeout=5).json()


def test_signature_is_hmac_sha256_of_the_body():
    # echo -n '{}' | openssl dgst -sha256 -hmac secret
    assert sign(b"{}", "secret") == "sha256=" + hmac.new(b"secret", b"{}", hashlib.sha256).hexdigest()
    assert sign(b"{}", "secret") != sign(b"{} ", "secret")


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
    write_audience(warehouse, "aud_test", [member(i) for i in range(149)])
    sync_target(warehouse, target, webhook(sandbox_url))
    state = received(sandbox_url)
    assert "u149" not in state["audiences"]["hooked"] and state["events"]["Audience Exited"] == 1
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
