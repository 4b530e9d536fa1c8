"""Loading closed spool segments into raw_events: typing, dedupe, manifest, reruns, loud failures."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from interaction_pipeline.warehouse.engine import Warehouse
from interaction_pipeline.warehouse.spool_files import SpoolCorruptionError
from interaction_pipeline.warehouse.spool_loader import SpoolReconciliationError, load_spool

DAY = "2026-11-29"


def write_segment(
    spool: Path, segment_id: str, lines: list, kind: str = "events", suffix: str = ".ndjson"
) -> Path:
    """A segment as the collector writes it: one JSON object per line, newline-terminated."""
    folder = spool / kind / DAY
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{segment_id}{suffix}"
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def message(message_id: str, **fields) -> dict:
    base = {
        "type": "track",
        "event": "Email Opened",
        "userId": "user-1",
        "messageId": message_id,
        "timestamp": "2026-11-29T10:15:00.123Z",
        "originalTimestamp": "2026-11-29T10:14:59.000Z",
        "sentAt": "2026-11-29T10:15:01.000Z",
        "receivedAt": "2026-11-29T10:15:02.123Z",
        "context": {"ip": "10.0.0.1", "library": {"name": "braze"}},
        "properties": {"campaign_id": "cmp_1"},
        "integrations": {"All": True},
        "_source": {"name": "braze-prod", "kind": "braze"},
    }
    return base | fields


@pytest.fixture
def spool(tmp_path) -> Path:
    return tmp_path / "spool"


@pytest.fixture(params=["duckdb", "postgres"])
def conn(request, tmp_path):
    """Every loader test runs on the embedded DuckDB file and on a Postgres database."""
    if request.param == "postgres":
        warehouse = Warehouse(url=request.getfixturevalue("postgres_url"))
    else:
        warehouse = Warehouse(path=tmp_path / "warehouse.duckdb")
    with warehouse.connect() as connection:
        yield connection


def rows(conn, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


def test_closed_segments_load_with_typed_columns_and_open_segments_wait(spool, conn):
    write_segment(spool, "20261129T101500000000Z-aaaaaaaa", [message("m1"), message("m2", type="identify")])
    write_segment(spool, "20261129T101600000000Z-bbbbbbbb", [message("m3")], suffix=".ndjson.open")

    report = load_spool(conn, spool)

    assert report.rows_loaded == 2
    assert rows(conn, "select message_id, type from raw_events.messages order by 1") == [
        ("m1", "track"),
        ("m2", "identify"),
    ]
    row = rows(
        conn,
        "select source_name, source_kind, timestamp, received_at, context->>'ip',"
        " properties->>'campaign_id', _spool_segment from raw_events.messages where message_id = 'm1'",
    )[0]
    assert row == (
        "braze-prod",
        "braze",
        datetime(2026, 11, 29, 10, 15, 0, 123000),
        datetime(2026, 11, 29, 10, 15, 2, 123000),
        "10.0.0.1",
        "cmp_1",
        f"events/{DAY}/20261129T101500000000Z-aaaaaaaa.ndjson",
    )


def test_timestamps_with_an_offset_are_stored_as_utc(spool, conn):
    write_segment(
        spool, "20261129T101500000000Z-aaaaaaaa", [message("m1", timestamp="2026-11-29T12:15:00+02:00")]
    )
    load_spool(conn, spool)
    assert rows(conn, "select timestamp from raw_events.messages") == [(datetime(2026, 11, 29, 10, 15),)]


def test_duplicates_are_dropped_within_a_segment_across_segments_and_across_loads(spool, conn):
    write_segment(spool, "20261129T101500000000Z-aaaaaaaa", [message("m1"), message("m1"), message("m2")])
    write_segment(spool, "20261129T101600000000Z-bbbbbbbb", [message("m2"), message("m3")])
    first = load_spool(conn, spool)
    write_segment(spool, "20261129T101700000000Z-cccccccc", [message("m3"), message("m4")])
    second = load_spool(conn, spool)

    assert (first.rows_loaded, first.duplicates) == (3, 2)
    assert (second.rows_loaded, second.duplicates) == (1, 1)
    assert rows(conn, "select count(*), count(distinct message_id) from raw_events.messages") == [(4, 4)]
    manifest = rows(
        conn, "select lines, rows_loaded + duplicates, kind from pipeline.spool_manifest order by 1"
    )
    assert all(lines == accounted and kind == "events" for lines, accounted, kind in manifest)
    assert rows(
        conn, "select sum(lines), sum(rows_loaded), sum(duplicates) from pipeline.spool_manifest"
    ) == [(7, 4, 3)]


def test_duplicates_are_dropped_per_source_so_no_source_can_suppress_another(spool, conn):
    """A source reusing another source's messageIds (by mistake or on purpose) must not hide its messages."""
    other = {"_source": {"name": "website", "kind": "website"}}
    write_segment(spool, "20261129T101500000000Z-aaaaaaaa", [message("m1"), message("m1", **other)])
    write_segment(spool, "20261129T101600000000Z-bbbbbbbb", [message("m1", **other), message("m2", **other)])
    report = load_spool(conn, spool)
    assert (report.rows_loaded, report.duplicates) == (3, 1)
    assert rows(conn, "select source_name, message_id from raw_events.messages order by 1, 2") == [
        ("braze-prod", "m1"),
        ("website", "m1"),
        ("website", "m2"),
    ]


def test_the_warehouse_file_is_made_private_to_the_service_user(spool, tmp_path):
    path = tmp_path / "private.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create table t as select 1")
    path.chmod(0o644)
    write_segment(spool, "20261129T101500000000Z-aaaaaaaa", [message("m1")])
    with duckdb.connect(str(path)) as connection:
        load_spool(connection, spool)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_rerun_loads_nothing_and_changes_nothing(spool, conn):
    write_segment(spool, "20261129T101500000000Z-aaaaaaaa", [message("m1"), message("m2")])
    load_spool(conn, spool)
    before = rows(conn, "select * from raw_events.messages order by message_id")

    again = load_spool(conn, spool)

    assert again.segments == []
    assert rows(conn, "select * from raw_events.messages order by message_id") == before
    assert rows(conn, "select count(*) from pipeline.spool_manifest") == [(1,)]


def test_rejects_load_with_their_reason_and_source(spool, conn):
    reject = {
        "receivedAt": "2026-11-29T10:15:02.000Z",
        "code": "invalid_message",
        "reason": "userId or anonymousId is required",
        "path": "/v1/batch",
        "_source": {"name": "braze-prod", "kind": "braze"},
        "raw": '{"type":"track"}',
        "rawEncoding": "utf-8",
    }
    unknown_key = reject | {
        "code": "unknown_write_key",
        "_source": None,
        "raw": "e30=",
        "rawEncoding": "base64",
    }
    write_segment(spool, "20261129T101500000000Z-aaaaaaaa", [reject, unknown_key], kind="rejects")

    report = load_spool(conn, spool)

    assert report.rejects_loaded == 2
    assert dict(report.rejects_by_source) == {"braze-prod": 1, "(unknown)": 1}
    assert rows(
        conn, "select code, source_name, raw_encoding, received_at from raw_events.rejects order by 1"
    ) == [
        ("invalid_message", "braze-prod", "utf-8", datetime(2026, 11, 29, 10, 15, 2)),
        ("unknown_write_key", None, "base64", datetime(2026, 11, 29, 10, 15, 2)),
    ]
    assert rows(conn, "select kind, lines, rows_loaded from pipeline.spool_manifest") == [("rejects", 2, 2)]


def test_a_corrupt_line_fails_the_load_naming_segment_and_line_and_loads_nothing_of_it(spool, conn):
    write_segment(
        spool,
        "20261129T101500000000Z-aaaaaaaa",
        [message("m1"), '{"type": "track", "messageId"', message("m3")],
    )

    with pytest.raises(
        SpoolCorruptionError, match=r"20261129T101500000000Z-aaaaaaaa\.ndjson line 2: not valid JSON"
    ):
        load_spool(conn, spool)

    assert rows(conn, "select count(*) from raw_events.messages") == [(0,)]
    assert rows(conn, "select count(*) from pipeline.spool_manifest") == [(0,)]


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [
        ({"type": "track", "userId": "u"}, "messageId is missing"),
        ({"messageId": "m9", "timestamp": "yesterday"}, "timestamp is not an ISO-8601 timestamp"),
    ],
)
def test_a_line_that_breaks_the_contract_is_named(spool, conn, bad_line, problem):
    write_segment(spool, "20261129T101500000000Z-aaaaaaaa", [message("m1"), bad_line])
    with pytest.raises(SpoolCorruptionError, match=f"line 2: {problem}"):
        load_spool(conn, spool)
    assert rows(conn, "select count(*) from pipeline.spool_manifest") == [(0,)]


def test_an_empty_line_is_not_skipped_silently(spool, conn):
    write_segment(spool, "20261129T101500000000Z-aaaaaaaa", [message("m1"), "", message("m2")])
    with pytest.raises(SpoolReconciliationError, match=r"aaaaaaaa\.ndjson: 3 lines on disk but 2 rows read"):
        load_spool(conn, spool)
    assert rows(conn, "select count(*) from raw_events.messages") == [(0,)]


def test_chunks_commit_on_their_own_so_a_bad_segment_keeps_earlier_chunks(spool, conn):
    for number in range(6):
        write_segment(spool, f"20261129T10150{number}000000Z-aaaaaaaa", [message(f"m{number}")])
    write_segment(spool, "20261129T101509000000Z-ffffffff", ["not json"])

    with pytest.raises(SpoolCorruptionError, match=r"ffffffff\.ndjson line 1"):
        load_spool(conn, spool, max_chunk_segments=2)

    assert rows(conn, "select count(*) from pipeline.spool_manifest") == [(6,)]
    assert rows(conn, "select count(*) from raw_events.messages") == [(6,)]


def test_an_empty_closed_segment_is_recorded_with_zero_lines(spool, conn):
    folder = spool / "events" / DAY
    folder.mkdir(parents=True)
    (folder / "20261129T101500000000Z-aaaaaaaa.ndjson").write_bytes(b"")
    write_segment(spool, "20261129T101600000000Z-bbbbbbbb", [message("m1")])

    load_spool(conn, spool)

    assert rows(conn, "select lines, rows_loaded from pipeline.spool_manifest order by segment") == [
        (0, 0),
        (1, 1),
    ]


def test_a_numeric_user_id_is_kept_as_text(spool, conn):
    write_segment(spool, "20261129T101500000000Z-aaaaaaaa", [message("m1", userId=12345)])
    load_spool(conn, spool)
    assert rows(conn, "select user_id from raw_events.messages") == [("12345",)]


def test_a_relative_spool_path_still_records_segment_names_relative_to_the_spool(spool, conn, monkeypatch):
    write_segment(spool, "20261129T101500000000Z-aaaaaaaa", [message("m1")])
    monkeypatch.chdir(spool)
    load_spool(conn, Path("."))
    assert rows(conn, "select _spool_segment from raw_events.messages") == [
        (f"events/{DAY}/20261129T101500000000Z-aaaaaaaa.ndjson",)
    ]
    assert rows(conn, "select segment from pipeline.spool_manifest") == [
        (f"events/{DAY}/20261129T101500000000Z-aaaaaaaa.ndjson",)
    ]
