"""What the collector spools, the loader loads: the spool contract checked end to end with real parts."""

from __future__ import annotations

import gzip

import duckdb
import pytest

from interaction_pipeline.warehouse.spool_loader import load_spool

pytestmark = pytest.mark.slow


def test_accepted_messages_and_rejects_load_into_duckdb(live_collector, tmp_path):
    batch = {
        "sentAt": "2026-11-29T10:00:05.000Z",
        "context": {"library": {"name": "braze-currents"}},
        "batch": [
            {"type": "track", "userId": 7, "event": "Email Opened", "messageId": "m-1",
             "timestamp": "2026-11-29T10:00:00Z", "properties": {"machine_open": None, "subject": "Grüße ✉"}},
            {"type": "identify", "anonymousId": "a-1", "traits": {"email": "a@x.com"}, "messageId": "m-2"},
            {"type": "group", "userId": "u", "groupId": 42, "messageId": "m-3"},
            {"type": "alias", "userId": "u", "previousId": "a-1", "messageId": "m-4"},
            {"type": "page", "userId": "u", "name": "Pricing", "messageId": "m-5",
             "timestamp": "0001-01-01T00:00:00Z"},
            {"type": "track", "userId": "u"},
        ],
    }  # fmt: skip
    assert live_collector.post("/v1/batch", gzip.compress(__import__("orjson").dumps(batch)),
                               {"Content-Encoding": "gzip"}).json()["accepted"] == 5  # fmt: skip
    assert live_collector.post("/v1/batch", batch).status == 200  # a resend: deduplicated on load
    assert live_collector.post("/v1/track", b"{not json").status == 400
    live_collector.stop()

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        load_spool(conn, live_collector.home / "spool")
        rows = conn.execute(
            "select message_id, type, user_id, group_id, source_name, source_kind, "
            "strftime(original_timestamp, '%Y-%m-%dT%H:%M:%S.%g'), strftime(timestamp, '%H:%M:%S'), "
            "properties->>'subject', context->'library'->>'name' "
            "from raw_events.messages order by message_id"
        ).fetchall()
        rejects = conn.execute("select code, source_name from raw_events.rejects order by code").fetchall()
    assert [row[:6] for row in rows] == [
        ("m-1", "track", "7", None, "braze-test", "braze"),
        ("m-2", "identify", None, None, "braze-test", "braze"),
        ("m-3", "group", "u", "42", "braze-test", "braze"),
        ("m-4", "alias", "u", None, "braze-test", "braze"),
        ("m-5", "page", "u", None, "braze-test", "braze"),
    ]
    assert rows[0][6] == "2026-11-29T10:00:00.000"
    assert rows[0][8] == "Grüße ✉" and rows[0][9] == "braze-currents"
    assert rows[4][6].startswith("0001-01-01")
    assert rejects == [
        ("invalid_json", "braze-test"),  # the Basic key was valid, so the source is known
        ("missing_event", "braze-test"),
        ("missing_event", "braze-test"),
    ]
