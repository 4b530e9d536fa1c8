"""Every documented event type of every partner, posted over HTTP as the partner posts it, lands in
``raw_events.messages`` under its Segment name, with its ids, email, time and properties."""

from __future__ import annotations

import duckdb
import orjson
import pytest

from interaction_pipeline.collector.webhooks.common import ORIGINAL_EVENT_KEY, message_id
from partners import braze_events, customerio_events, iterable_events, other_events
from partners.conftest import SOURCE_NAMES, WebhookCollector, load_warehouse, make_sources

CASES = [
    *braze_events.cases(),
    *customerio_events.cases(),
    *iterable_events.cases(),
    *other_events.freshchat_cases(),
    *other_events.delighted_cases(),
    *other_events.statsig_cases(),
]


@pytest.fixture(scope="module")
def warehouse_rows(module_home):
    """Post every case the way its partner does (Braze and Statsig in batches, the others one by one)."""
    collector = WebhookCollector(module_home, make_sources()).start()
    try:
        answers = [collector.post("braze", {"events": [c.event for c in CASES if c.kind == "braze"]})]
        answers.append(
            collector.post("statsig", [c.event for c in CASES if c.kind == "statsig"], auth="path")
        )
        for case in CASES:
            if case.kind not in ("braze", "statsig"):
                answers.append(collector.post(case.kind, case.event, auth="path"))
    finally:
        collector.stop()
    assert [answer.status for answer in answers] == [200] * len(answers)
    assert all(answer.json()["rejected"] == 0 for answer in answers), [a.json() for a in answers]
    with load_warehouse(module_home) as connection:
        rows = connection.execute(
            "select message_id, event, user_id, anonymous_id, context->>'$.traits.email', timestamp::varchar,"
            " properties, context, source_name, source_kind from raw_events.messages"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_every_case_is_stored_once(warehouse_rows):
    assert len(warehouse_rows) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_a_partner_event_becomes_its_segment_message(case, warehouse_rows):
    row = warehouse_rows.get(message_id(case.kind, case.partner_id))
    assert row is not None, f"{case.id} is not in raw_events.messages"
    event, user_id, anonymous_id, email, timestamp, properties, context, source, kind = row
    assert (event, user_id, anonymous_id, email) == (case.name, case.user_id, case.anonymous_id, case.email)
    assert timestamp == case.timestamp
    assert (source, kind) == (SOURCE_NAMES[case.kind], case.kind)
    stored = orjson.loads(properties)
    assert {name: stored.get(name) for name in case.properties} == case.properties
    # The partner's event is kept whole, so a better mapping can be rebuilt from the warehouse later.
    assert orjson.loads(context)[ORIGINAL_EVENT_KEY] == case.event


def test_the_email_address_moves_to_context_traits_and_out_of_the_properties(warehouse_rows):
    for case in CASES:
        properties = orjson.loads(warehouse_rows[message_id(case.kind, case.partner_id)][5])
        assert "email_address" not in properties


def test_unknown_event_types_keep_the_partners_own_name(warehouse_rows):
    names = {row[0] for row in warehouse_rows.values()}
    assert {"users.behaviors.CustomEvent", "push_clicked", "inAppDelete", "my_custom_event"} <= names


def test_the_warehouse_rejects_nothing_when_every_event_is_valid(module_home, warehouse_rows):
    with duckdb.connect(str(module_home / "warehouse.duckdb"), read_only=True) as connection:
        assert connection.execute("select count(*) from raw_events.rejects").fetchone() == (0,)
