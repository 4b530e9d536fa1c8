"""A partner's retry of the same batch or event is stored once: its messageId derives from the event id."""

from __future__ import annotations

import uuid

from interaction_pipeline.collector.webhooks.common import MESSAGE_ID_NAMESPACE
from partners import braze_events, customerio_events, iterable_events
from partners.conftest import load_warehouse


def test_a_retried_braze_batch_a_customerio_and_an_iterable_event_are_stored_once(webhook_collector):
    batch = {"events": [case.event for case in braze_events.cases()[:10]]}
    opened = customerio_events.cases()[6].event
    clicked = iterable_events.cases()[2].event
    for _ in range(3):  # the first try, then two retries of the same requests
        assert webhook_collector.post("braze", batch).status == 200
        assert webhook_collector.post("customerio", opened, auth="path").status == 200
        assert webhook_collector.post("iterable", clicked, auth="path").status == 200
    webhook_collector.stop()
    with load_warehouse(webhook_collector.home) as connection:
        counted = connection.execute(
            "select source_kind, count(*) from raw_events.messages group by 1"
        ).fetchall()
        loaded = connection.execute("select sum(rows_loaded), sum(duplicates) from pipeline.spool_manifest")
        rows_loaded, duplicates = loaded.fetchone()
    assert dict(counted) == {"braze": 10, "customerio": 1, "iterable": 1}
    assert (rows_loaded, duplicates) == (12, 24)


def test_the_message_id_is_a_uuid5_of_the_partner_and_its_event_id(webhook_collector):
    event = braze_events.cases()[2].event
    webhook_collector.post("braze", {"events": [event]})
    webhook_collector.stop()
    with load_warehouse(webhook_collector.home) as connection:
        [(stored,)] = connection.execute("select message_id from raw_events.messages").fetchall()
    assert stored == str(uuid.uuid5(MESSAGE_ID_NAMESPACE, f"braze:{event['id']}"))
