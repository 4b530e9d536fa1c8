"""Nothing the collector writes keeps a write key, and reject records and logs keep no emails or phone
numbers: keys are redacted on the parsed JSON, refused bodies are never kept compressed, recovery logs
only sizes."""

from __future__ import annotations

import base64
import gzip
import logging
from pathlib import Path

import orjson

from interaction_pipeline.collector.recovery import recover_spool

EMAIL, PHONE = "ana.lopez@example.com", "+1 415 555 0100"


def _everything_written(home: Path) -> str:
    files = [path for path in (home / "spool").rglob("*") if path.is_file()]
    return "\n".join(path.read_text(errors="replace") for path in files)


def test_an_escaped_write_key_authenticates_but_is_never_stored(live_collector, spool_reader):
    key = live_collector.write_key
    escaped = f'"write\\u004bey": "{key}"'  # the same key to a JSON parser, another text to a regex
    typo = f'"write\\u004bey": "typo-{key[:20]}"'
    for body, status in [
        ("{" + escaped + ', "batch": [{"type": "track", "event": "no ids"}]}', 200),
        ("{" + escaped + ', "batch": "not a list"}', 400),
        ("{" + typo + ', "userId": "u", "event": "e"}', 401),
    ]:
        assert live_collector.post("/v1/batch", body.encode(), auth=False).status == status
    live_collector.stop()
    assert len(spool_reader.rejects(live_collector.home)) == 3
    assert key[:20] not in _everything_written(live_collector.home)


def test_a_refused_gzip_body_is_never_kept_compressed(live_collector, spool_reader):
    key = live_collector.write_key
    document = orjson.dumps({"writeKey": key, "batch": [{"type": "track", "userId": "u", "event": "e"}]})
    truncated = gzip.compress(document)[:-12]
    wrong_key = gzip.compress(document.replace(key.encode(), b"not-the-key-" + key[:8].encode()))
    headers = {"Content-Encoding": "gzip"}
    assert live_collector.post("/v1/batch", truncated, headers, auth=False).json()["code"] == "invalid_gzip"
    assert live_collector.post("/v1/batch", wrong_key, headers, auth=False).status == 401
    live_collector.stop()
    written = _everything_written(live_collector.home)
    rejects = spool_reader.rejects(live_collector.home)
    assert [reject["rawEncoding"] for reject in rejects] == ["omitted", "json"]
    assert key[:8] not in written
    assert base64.b64encode(truncated[:30]).decode()[:24] not in written
    assert orjson.loads(rejects[1]["raw"])["writeKey"] == "[redacted]"


def test_a_rejected_message_is_kept_with_its_emails_and_phone_numbers_masked(live_collector, spool_reader):
    message = {
        "type": "identify",
        "traits": {"email": EMAIL, "phone": PHONE, "mobile_number": 4155550100, "plan": "pro"},
        "context": {"note": f"reply to {EMAIL} or call {PHONE}"},
    }
    response = live_collector.post("/v1/batch", {"batch": [message]})
    assert response.json()["errors"][0]["code"] == "no_user_anon_id"
    live_collector.stop()
    [reject] = spool_reader.rejects(live_collector.home)
    kept = orjson.loads(reject["raw"])
    masked = {"email": "[email]", "phone": "[phone]", "mobile_number": "[phone]", "plan": "pro"}
    assert kept["traits"] == masked
    assert kept["context"]["note"] == "reply to [email] or call [phone]"
    written = _everything_written(live_collector.home)
    assert EMAIL not in written and "415 555 0100" not in written and "4155550100" not in written


def test_crash_recovery_logs_how_much_it_cut_but_not_what(tmp_path, caplog):
    day = tmp_path / "2026-11-29"
    day.mkdir()
    torn = day / "20261129T100000000000Z-aaaaaaaa.ndjson.open"
    torn.write_bytes(b'{"messageId":"m-1"}\n{"messageId":"m-2","traits":{"email":"' + EMAIL.encode())
    with caplog.at_level(logging.INFO):
        recover_spool(tmp_path)
    assert "truncated a torn tail of" in caplog.text
    assert EMAIL not in caplog.text and "ana.lopez" not in caplog.text
