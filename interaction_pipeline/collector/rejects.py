"""Reject records for the rejects spool: what was refused, why, from whom, and what was sent.

``raw`` is the refused JSON with credentials and personal data masked (:mod:`interaction_pipeline.privacy`),
at most 64 KiB as written in the record, after JSON escaping. A body that is not JSON, or that could not be
read whole (over the size limit, a broken or oversize gzip stream), is not kept: it cannot be parsed, so
nothing in it could be masked, and a compressed body would keep everything. ``rawEncoding`` says which:

- ``json``: the masked document; ``json_truncated``: its first 64 KiB;
- ``omitted``: the body is not kept (not JSON, or not read whole);
- ``rate_limited``: the body is not kept because the rejects of this client or source exceed their budget.
"""

from __future__ import annotations

import orjson

from interaction_pipeline.collector.registry import Source
from interaction_pipeline.privacy import masked_document

MAX_RAW_BYTES = 64 * 1024
# The masked copy stops at twice what a record keeps, so a large body costs no more than a small one.
COPY_BUDGET = 2 * MAX_RAW_BYTES
NOT_PARSED = object()


def _fit(text: str) -> tuple[str, str]:
    """The text cut so that, escaped inside the record line, it takes at most MAX_RAW_BYTES."""
    size = len(orjson.dumps(text))
    if size <= MAX_RAW_BYTES:
        return text, "json"
    while size > MAX_RAW_BYTES:  # escapes make bytes per character uneven: shrink in proportion, re-measure
        text = text[: max(0, len(text) * MAX_RAW_BYTES // size - 8)]
        size = len(orjson.dumps(text))
    return text, "json_truncated"


def raw_fields(document: object) -> tuple[str | None, str]:
    """(raw, rawEncoding) for a parsed document, or for :data:`NOT_PARSED`."""
    if document is NOT_PARSED:
        return None, "omitted"
    try:
        text = orjson.dumps(masked_document(document, COPY_BUDGET)).decode()
    except orjson.JSONEncodeError:
        return None, "omitted"
    return _fit(text)


def reject_record(
    received_at: str,
    code: str,
    reason: str,
    path: str,
    source: Source | None,
    document: object = NOT_PARSED,
) -> dict:
    text, encoding = raw_fields(document)
    return {
        "receivedAt": received_at,
        "code": code,
        "reason": reason,
        "path": path,
        "_source": {"name": source.name, "kind": source.kind} if source else None,
        "raw": text,
        "rawEncoding": encoding,
    }
