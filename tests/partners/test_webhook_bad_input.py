"""Bad input gets a clear answer and a reject record; valid events beside it are stored; nothing is a 5xx."""

from __future__ import annotations

import gzip

import orjson

from interaction_pipeline.collector.webhooks.braze import PARTNER as BRAZE_PARTNER
from partners import braze_events, customerio_events, iterable_events
from partners.conftest import load_warehouse, rejects

GOOD = braze_events.cases()[1].event


def test_malformed_json_gets_400_and_a_reject_record(webhook_collector):
    for kind in ("braze", "customerio", "iterable", "statsig"):
        answer = webhook_collector.post(kind, b'{"events": [{"id": ', auth="path")
        assert answer.status == 400 and answer.json()["code"] == "invalid_json"
    webhook_collector.stop()
    assert [record["code"] for record in rejects(webhook_collector.home)] == ["invalid_json"] * 4


def test_a_body_that_is_not_the_partners_envelope_gets_400(webhook_collector):
    assert webhook_collector.post("braze", [GOOD]).json()["code"] == "invalid_batch"
    assert webhook_collector.post("customerio", [GOOD], auth="path").json()["code"] == "invalid_event"


def test_a_batch_over_the_partners_batch_size_gets_413_so_braze_splits_it(webhook_collector):
    events = [{**GOOD, "id": f"e-{number}"} for number in range(BRAZE_PARTNER.max_events + 1)]
    answer = webhook_collector.post("braze", {"events": events})
    assert answer.status == 413 and answer.json()["code"] == "batch_too_large"
    assert webhook_collector.post("braze", {"events": events[:-1]}).status == 200


def test_a_body_over_the_partners_size_limit_gets_413_even_gzipped(webhook_collector):
    padded = {**customerio_events.cases()[6].event, "pad": "x" * (1024 * 1024)}
    assert webhook_collector.post("customerio", padded, auth="path").status == 413
    bomb = gzip.compress(orjson.dumps(padded))
    answer = webhook_collector.post("customerio", bomb, auth="path", headers={"Content-Encoding": "gzip"})
    assert answer.status == 413


def test_in_a_batch_bad_events_are_rejected_with_reasons_and_the_rest_stored(webhook_collector):
    nobody = {**GOOD, "id": "no-ids", "user": {}, "properties": {"campaign_id": "c"}}
    no_time = {**GOOD, "id": "no-time", "time": "yesterday"}
    no_type = {key: value for key, value in GOOD.items() if key != "event_type"}
    answer = webhook_collector.post("braze", {"events": [GOOD, nobody, no_time, no_type, "not an event"]})
    assert answer.status == 200
    result = answer.json()
    assert (result["accepted"], result["rejected"]) == (1, 4)
    assert [error["code"] for error in result["errors"]] == [
        "no_user_anon_id",
        "invalid_timestamp",
        "missing_event_type",
        "invalid_event",
    ]
    webhook_collector.stop()
    stored = rejects(webhook_collector.home)
    assert {record["code"] for record in stored} == {error["code"] for error in result["errors"]}
    assert all(record["_source"]["name"] == "braze-prod" for record in stored)


def test_a_single_event_with_no_user_id_and_no_email_is_rejected_with_2xx(webhook_collector):
    """Customer.io holds back every later webhook behind one that fails, so a bad event must not fail."""
    event = customerio_events.cases()[6].event
    anonymous = {**event, "event_id": "anon", "data": {"delivery_id": "d", "campaign_id": 1}}
    answer = webhook_collector.post("customerio", anonymous, auth="path")
    assert answer.status == 200 and answer.json()["errors"][0]["code"] == "no_user_anon_id"
    nameless = {key: value for key, value in iterable_events.cases()[0].event.items() if key != "email"}
    nameless["dataFields"] = {k: v for k, v in nameless["dataFields"].items() if k != "email"}
    nameless.pop("userId", None)
    answer = webhook_collector.post("iterable", nameless, auth="path")
    assert answer.status == 200 and answer.json()["rejected"] == 1


def test_freshchat_conversation_events_name_no_customer_and_are_rejected_with_that_reason(webhook_collector):
    from partners.other_events import FRESHCHAT_UNATTRIBUTABLE

    for event in FRESHCHAT_UNATTRIBUTABLE:
        answer = webhook_collector.post("freshchat", event, auth="path")
        assert answer.status == 200 and answer.json()["errors"][0]["code"] == "no_user_anon_id"


def test_an_empty_body_checks_credentials_and_stores_nothing(webhook_collector):
    assert webhook_collector.post("braze", b"").status == 200
    assert webhook_collector.post("braze", b"", auth=None).status == 401
    assert webhook_collector.post("braze", {"events": []}).json()["accepted"] == 0


def test_unknown_partners_and_methods_get_404_and_405(webhook_collector):
    assert webhook_collector.post("mailchimp", {}, auth=None).status == 404
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", webhook_collector.port, timeout=5)
    connection.request("GET", "/webhooks/braze")
    assert connection.getresponse().status == 405


def test_an_overloaded_spool_answers_503_with_retry_after(webhook_collector):
    webhook_collector.app.state.collector.committer.max_pending_bytes = 0
    answer = webhook_collector.post("braze", {"events": [GOOD]})
    assert answer.status == 503 and answer.headers["retry-after"].isdigit()


def test_rejected_events_reach_the_warehouse_rejects_table_with_their_reason(webhook_collector):
    webhook_collector.post("braze", {"events": [{**GOOD, "id": "x", "user": {}, "properties": {}}]})
    webhook_collector.stop()
    with load_warehouse(webhook_collector.home) as connection:
        found = connection.execute("select code, source_name from raw_events.rejects").fetchall()
    assert found == [("no_user_anon_id", "braze-prod")]


def test_the_debugger_shows_webhook_events_per_source_with_the_partners_event(webhook_collector):
    import http.client

    webhook_collector.post("braze", {"events": [GOOD]})
    webhook_collector.post("customerio", customerio_events.cases()[6].event, auth="path")
    connection = http.client.HTTPConnection("127.0.0.1", webhook_collector.port, timeout=5)
    connection.request("GET", "/debugger/api/sources")
    sources = {s["name"]: s for s in orjson.loads(connection.getresponse().read())["sources"]}
    assert sources["braze-prod"]["endpoint"] == "/webhooks/braze"
    assert sources["braze-prod"]["events"] == {"Email Delivered": 1}
    assert sources["customerio-prod"]["events"] == {"Email Opened": 1}
    connection.request("GET", "/debugger/api/events?source=customerio-prod")
    [shown] = orjson.loads(connection.getresponse().read())["events"]
    assert shown["message"]["context"]["partner_event"]["metric"] == "opened"
