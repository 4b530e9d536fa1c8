"""Reject records for the rejects spool: what was refused, why, from whom, and the raw body."""

from __future__ import annotations

import base64
import re

import orjson

from interaction_pipeline.collector.registry import Source

MAX_RAW_BYTES = 64 * 1024
# A body-level write key is a credential even when it is wrong (often a typo of a real one): never stored.
_WRITE_KEY_IN_BODY = re.compile(rb'("writeKey"\s*:\s*")((?:[^"\\]|\\.)*)(")')


def raw_fields(raw: bytes) -> tuple[str, str]:
    """(text, encoding) for a raw body: UTF-8 text when it is, base64 otherwise; at most 64 KiB."""
    raw = _WRITE_KEY_IN_BODY.sub(rb"\1[redacted]\3", raw[:MAX_RAW_BYTES])
    for cut in range(4):  # truncation may split the last UTF-8 character
        try:
            return raw[: len(raw) - cut].decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            if len(raw) < MAX_RAW_BYTES:
                break
    return base64.b64encode(raw).decode("ascii"), "base64"


def reject_record(
    received_at: str, code: str, reason: str, path: str, source: Source | None, raw: bytes
) -> dict:
    text, encoding = raw_fields(raw)
    return {
        "receivedAt": received_at,
        "code": code,
        "reason": reason,
        "path": path,
        "_source": {"name": source.name, "kind": source.kind} if source else None,
        "raw": text,
        "rawEncoding": encoding,
    }


def encode_lines(records: list[dict]) -> bytes:
    return b"".join(orjson.dumps(record) + b"\n" for record in records)
