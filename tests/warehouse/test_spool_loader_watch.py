"""The spool sensor's cursor: new segments are reported once, late ones inside the lookback still count."""

from __future__ import annotations

from pathlib import Path

from interaction_pipeline.warehouse.spool_watch import SpoolCursor, new_segments


def close_segment(spool: Path, segment_id: str, kind: str = "events") -> str:
    day = f"{segment_id[:4]}-{segment_id[4:6]}-{segment_id[6:8]}"
    folder = spool / kind / day
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{segment_id}.ndjson").write_text('{"messageId": "m"}\n')
    return f"{kind}/{day}/{segment_id}.ndjson"


def test_each_segment_is_reported_once_across_kinds(tmp_path):
    events = close_segment(tmp_path, "20261129T100000000000Z-aaaaaaaa")
    rejects = close_segment(tmp_path, "20261129T100000000000Z-aaaaaaaa", kind="rejects")

    fresh, cursor = new_segments(tmp_path, SpoolCursor())
    again, _ = new_segments(tmp_path, SpoolCursor.parse(cursor.serialize()))

    assert fresh == [events, rejects]
    assert again == []


def test_the_cursor_stays_small_by_moving_its_floor_past_the_lookback(tmp_path):
    close_segment(tmp_path, "20261128T080000000000Z-aaaaaaaa")
    close_segment(tmp_path, "20261129T090000000000Z-bbbbbbbb")
    newest = close_segment(tmp_path, "20261129T100000000000Z-cccccccc")

    _, cursor = new_segments(tmp_path, SpoolCursor())

    assert cursor.floor == "20261128T080000000000Z-aaaaaaaa"
    assert cursor.recent == {"events/2026-11-29/20261129T090000000000Z-bbbbbbbb.ndjson", newest}


def test_a_late_segment_older_than_the_floor_is_left_to_the_hourly_schedule(tmp_path):
    close_segment(tmp_path, "20261129T100000000000Z-aaaaaaaa")
    _, cursor = new_segments(tmp_path, SpoolCursor(floor="20261129T090000000000Z-ffffffff"))
    close_segment(tmp_path, "20261129T080000000000Z-bbbbbbbb")

    fresh, _ = new_segments(tmp_path, cursor)

    assert fresh == []
