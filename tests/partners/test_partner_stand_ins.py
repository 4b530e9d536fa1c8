"""The sandbox's partner stand-ins deliver as their partners do: Braze Currents batches with the bearer token,
Customer.io signed events one by one, Iterable events with its Authorization header; retries store once."""

from __future__ import annotations

import orjson
from werkzeug import Response

from interaction_pipeline import settings
from interaction_pipeline.collector.registry import set_signing_secret
from interaction_pipeline.sandbox.braze.currents import CurrentsExport
from interaction_pipeline.sandbox.customerio.webhooks import ReportingWebhooks
from interaction_pipeline.sandbox.iterable.webhooks import SystemWebhooks
from partners import braze_events, customerio_events, iterable_events
from partners.conftest import load_warehouse


def test_braze_currents_retries_a_503_and_every_event_is_stored_once(webhook_collector):
    events = [case.event for case in braze_events.cases()]
    webhook_collector.faults.extend([(503, [(b"retry-after", b"0")])] * 2)
    export = CurrentsExport(webhook_collector.url, webhook_collector.keys["braze"], threads=2)
    report = export.export(events)
    assert report.sent["braze"] == len(events) and not report.failed and report.retries == 2
    webhook_collector.stop()
    with load_warehouse(webhook_collector.home) as connection:
        assert connection.execute("select count(*) from raw_events.messages").fetchone() == (len(events),)


def test_braze_currents_resends_a_refused_batch_event_by_event_and_drops_the_one_refused_again(httpserver):
    seen = []

    def handler(request):
        events = orjson.loads(request.data)["events"]
        seen.append(len(events))
        assert request.headers["Authorization"] == "Bearer token-1"
        assert request.headers["Braze-Currents-Version"] == "1"
        if len(events) > 1 or events[0]["id"] == "bad":
            return Response("bad event", 400)
        return Response("{}", 200)

    httpserver.expect_request("/webhooks/braze", method="POST").respond_with_handler(handler)
    events = [{"id": f"e{n}"} for n in range(4)] + [{"id": "bad"}]
    report = CurrentsExport(httpserver.url_for("").rstrip("/"), "token-1", threads=1).export(events)
    assert seen == [5, 1, 1, 1, 1, 1]
    assert (report.sent["braze"], report.failed["braze"]) == (4, 1)


def test_braze_currents_splits_a_batch_the_collector_finds_too_large(httpserver):
    seen = []

    def handler(request):
        count = len(orjson.loads(request.data)["events"])
        seen.append(count)
        return Response("too large", 413) if count > 25 else Response("{}", 200)

    httpserver.expect_request("/webhooks/braze", method="POST").respond_with_handler(handler)
    report = CurrentsExport(httpserver.url_for("").rstrip("/"), "t", threads=1).export(
        [{"id": n} for n in range(100)]
    )
    assert report.sent["braze"] == 100 and seen[:3] == [100, 50, 25]


def test_customerio_signs_each_event_and_the_collector_verifies_it(webhook_collector):
    registry = settings.paths().sources_registry
    set_signing_secret(registry, "customerio-prod", "whsec-1")
    webhook_collector.stop()
    webhook_collector.start()  # a fresh collector reads the secret at once
    url = f"{webhook_collector.url}/webhooks/customerio/{webhook_collector.keys['customerio']}"
    events = [case.event for case in customerio_events.cases()]
    report = ReportingWebhooks(url, "whsec-1", threads=4).deliver(events)
    assert report.sent["customerio"] == len(events) and not report.failed
    forged = ReportingWebhooks(url, "not-the-key", threads=1).deliver(events[:1])
    assert forged.failed["customerio"] == 1 and "invalid_signature" in forged.errors[0]


def test_iterable_posts_each_event_with_its_authorization_header(webhook_collector):
    events = [case.event for case in iterable_events.cases()]
    report = SystemWebhooks(webhook_collector.url, webhook_collector.keys["iterable"]).deliver(
        events + events
    )
    assert report.sent["iterable"] == 2 * len(events)
    webhook_collector.stop()
    with load_warehouse(webhook_collector.home) as connection:
        stored = connection.execute("select count(*) from raw_events.messages").fetchone()
    assert stored == (len(events),)  # the second delivery of each event is the same message
