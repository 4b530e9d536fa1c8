"""Spool segments: rotation by size and age, crash recovery, and never a 200 for something not written."""

from __future__ import annotations

import errno
import logging
import os
import time

import orjson
import pytest

from interaction_pipeline.collector import spool
from interaction_pipeline.collector.recovery import intact_length, recover_spool
from interaction_pipeline.collector.spool import SpoolStream


def _line(number: int) -> bytes:
    return orjson.dumps({"messageId": f"m-{number}"}) + b"\n"


def test_segments_rotate_by_size_and_are_renamed_when_closed(tmp_path):
    stream = SpoolStream(tmp_path, max_bytes=100, max_age_seconds=3600)
    for number in range(10):
        stream.append(_line(number))
        stream.sync()
        stream.rotate_if_due()
    stream.close()
    closed = sorted(tmp_path.glob("*/*.ndjson"))
    assert len(closed) == 2 and not list(tmp_path.glob("*/*.open"))
    lines = [orjson.loads(line)["messageId"] for path in closed for line in path.read_bytes().splitlines()]
    assert lines == [f"m-{number}" for number in range(10)]
    assert [path.name for path in closed] == sorted(path.name for path in closed)


def test_segments_rotate_by_age(tmp_path):
    stream = SpoolStream(tmp_path, max_bytes=10**9, max_age_seconds=0.05)
    stream.append(_line(1))
    assert not stream.is_due()
    time.sleep(0.06)
    stream.rotate_if_due()
    assert len(list(tmp_path.glob("*/*.ndjson"))) == 1


@pytest.mark.parametrize(
    ("data", "kept"),
    [
        (b'{"a":1}\n{"a":2}\n', 16),
        (b'{"a":1}\n{"a":2', 8),
        (b'{"a":1}\n{"a":\n', 8),
        (b'{"a":1}\n\0\0\0\0', 8),
        (b'{"a', 0),
        (b"", 0),
    ],
)
def test_intact_length_cuts_a_torn_tail(data, kept):
    assert intact_length(data) == kept


def test_recovery_truncates_the_torn_tail_closes_the_segment_and_logs_it(tmp_path, caplog):
    day = tmp_path / "2026-11-29"
    day.mkdir()
    torn = day / "20261129T100000000000Z-aaaaaaaa.ndjson.open"
    torn.write_bytes(b'{"messageId":"m-1"}\n{"messageId":"m-2"}\n{"messageId":"m-')
    empty = day / "20261129T100001000000Z-bbbbbbbb.ndjson.open"
    empty.write_bytes(b'{"messageId')
    with caplog.at_level(logging.WARNING):
        recovered = recover_spool(tmp_path)
    assert len(recovered) == 2
    closed = day / "20261129T100000000000Z-aaaaaaaa.ndjson"
    assert closed.read_bytes() == b'{"messageId":"m-1"}\n{"messageId":"m-2"}\n'
    assert not empty.exists() and not list(day.glob("*.open"))
    assert "truncated a torn tail of 16 bytes" in caplog.text


def test_recovery_leaves_a_segment_that_a_live_writer_holds(tmp_path):
    stream = SpoolStream(tmp_path, max_bytes=10**9, max_age_seconds=3600)
    stream.append(_line(1))
    assert recover_spool(tmp_path) == []
    assert len(list(tmp_path.glob("*/*.open"))) == 1
    stream.close()


def test_a_full_disk_answers_503_with_retry_after_and_nothing_half_written(
    live_collector, spool_reader, monkeypatch
):
    assert live_collector.post("/v1/track", {"userId": "u", "event": "Before"}).status == 200

    def disk_full(handle, data):
        import os

        os.write(handle, bytes(data)[:7])  # a partial write, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spool, "write_all", disk_full)
    response = live_collector.post("/v1/track", {"userId": "u", "event": "During"})
    assert response.status == 503 and response.headers["retry-after"]
    monkeypatch.undo()
    assert live_collector.post("/v1/track", {"userId": "u", "event": "After"}).status == 200
    live_collector.stop()
    events = [line["event"] for line in spool_reader.messages(live_collector.home)]
    assert events == ["Before", "After"]  # the partial line was cut back, nothing torn


def test_a_failed_fsync_answers_503_and_cuts_the_segment_back_to_what_was_durable(
    live_collector, spool_reader, monkeypatch
):
    assert live_collector.post("/v1/track", {"userId": "u", "event": "Durable"}).status == 200

    def failing_sync(handle):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(spool, "sync_file", failing_sync)
    response = live_collector.post("/v1/track", {"userId": "u", "event": "Not durable"})
    assert response.status == 503 and response.headers["retry-after"]
    monkeypatch.undo()
    live_collector.stop()
    assert [line["event"] for line in spool_reader.messages(live_collector.home)] == ["Durable"]


def test_when_only_the_rejects_write_fails_the_accepted_events_are_answered_200_and_stored_once(
    live_collector, spool_reader, monkeypatch
):
    """A 503 would make the sender retry a batch whose good events were written: duplicates without a
    client messageId. Reject records are written after the events and their failure fails nobody."""
    write = spool.write_all

    def rejects_disk_full(handle, data):
        if "/rejects/" in os.readlink(f"/proc/self/fd/{handle}"):
            raise OSError(errno.ENOSPC, "No space left on device")
        write(handle, data)

    monkeypatch.setattr(spool, "write_all", rejects_disk_full)
    batch = {"batch": [{"type": "track", "userId": "u", "event": "Good"}, {"type": "track", "userId": "u"}]}
    response = live_collector.post("/v1/batch", batch)
    assert response.status == 200 and (response.json()["accepted"], response.json()["rejected"]) == (1, 1)
    assert live_collector.request("GET", "/health").json()["rejects"]["lost"] == 1
    monkeypatch.undo()
    live_collector.stop()
    assert [line["event"] for line in spool_reader.messages(live_collector.home)] == ["Good"]
    assert spool_reader.rejects(live_collector.home) == []


def test_when_the_events_write_fails_nothing_of_the_request_is_written(
    live_collector, spool_reader, monkeypatch
):
    def events_disk_full(handle, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spool, "write_all", events_disk_full)
    batch = {"batch": [{"type": "track", "userId": "u", "event": "Good"}, {"type": "track", "userId": "u"}]}
    response = live_collector.post("/v1/batch", batch)
    assert response.status == 503 and response.headers["retry-after"]
    monkeypatch.undo()
    live_collector.stop()
    assert spool_reader.messages(live_collector.home) == []
    assert spool_reader.rejects(live_collector.home) == []


def test_when_the_spool_cannot_keep_up_the_answer_is_503(live_collector, spool_reader):
    live_collector.state.committer.max_pending_bytes = 10
    response = live_collector.post("/v1/track", {"userId": "u", "event": "Too much"})
    assert response.status == 503 and response.headers["retry-after"] == "2"
    assert response.json()["code"] == "unavailable"
    assert spool_reader.messages(live_collector.home, include_open=True) == []


def test_under_a_slow_disk_every_200_is_spooled_and_the_rest_get_503(
    live_collector, spool_reader, monkeypatch
):
    import threading

    real_sync = spool.sync_file

    def slow_sync(handle):
        time.sleep(0.2)
        real_sync(handle)

    monkeypatch.setattr(spool, "sync_file", slow_sync)
    live_collector.state.committer.max_pending_bytes = 3000  # a few messages' worth
    statuses: dict[str, int] = {}

    def send(number: int) -> None:
        message_id = f"slow-{number}"
        payload = {"userId": "u", "event": "e", "messageId": message_id, "properties": {"pad": "x" * 300}}
        statuses[message_id] = live_collector.post("/v1/track", payload).status

    threads = [threading.Thread(target=send, args=(number,)) for number in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    live_collector.stop()
    acknowledged = {mid for mid, status in statuses.items() if status == 200}
    assert set(statuses.values()) == {200, 503}
    assert {line["messageId"] for line in spool_reader.messages(live_collector.home)} == acknowledged


def test_a_graceful_stop_finishes_the_requests_in_flight(live_collector, spool_reader, monkeypatch):
    import threading

    real_sync = spool.sync_file
    syncing = threading.Event()

    def slow_sync(handle):
        syncing.set()
        time.sleep(0.5)
        real_sync(handle)

    monkeypatch.setattr(spool, "sync_file", slow_sync)
    answers = []
    sender = threading.Thread(
        target=lambda: answers.append(live_collector.post("/v1/track", {"userId": "u", "event": "In flight"}))
    )
    sender.start()
    assert syncing.wait(5)
    live_collector.stop()  # while the request waits for its fsync
    sender.join(10)
    assert [answer.status for answer in answers] == [200]
    assert [line["event"] for line in spool_reader.messages(live_collector.home)] == ["In flight"]
    assert not list(live_collector.home.rglob("*.open"))


def test_spool_files_and_folders_are_private_to_the_service_user(live_collector, spool_reader):
    assert live_collector.post("/v1/track", {"userId": "u", "event": "Kept"}).status == 200
    assert live_collector.post("/v1/track", {"event": "no ids"}).status == 400
    live_collector.stop()
    spool_root = live_collector.home / "spool"
    files = [path for path in spool_root.rglob("*") if path.is_file()]
    folders = [spool_root, *(path for path in spool_root.rglob("*") if path.is_dir())]
    assert len(files) == 2 and len(folders) == 5
    assert {oct(path.stat().st_mode & 0o777) for path in files} == {"0o600"}
    assert {oct(path.stat().st_mode & 0o777) for path in folders} == {"0o700"}
