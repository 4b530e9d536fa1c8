"""Refusing a whole request: answer with a status and a reason, and keep one bounded reject record."""

from __future__ import annotations

import logging

from interaction_pipeline.collector.committer import Overloaded
from interaction_pipeline.collector.rejects import encode_lines, reject_record
from interaction_pipeline.collector.responses import error_body, send_json

logger = logging.getLogger("interaction_pipeline.collector.refusals")


class Refusal(Exception):
    """A request-level rejection: answered with ``status`` and recorded in the rejects spool."""

    def __init__(self, status: int, code: str, message: str, raw: bytes = b"") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.raw = status, code, message, raw


async def refuse(state, send, path: str, received_at: str, source, refusal, headers=()) -> None:
    """Record the refusal (at most 64 KiB of the body) and answer; a full spool only loses the record."""
    record = reject_record(received_at, refusal.code, refusal.message, path, source, refusal.raw)
    try:
        await state.committer.submit(b"", encode_lines([record]))
        state.live_view.record_rejects([record])
    except (Overloaded, OSError) as failure:
        logger.error("could not record a %s reject: %s", refusal.code, failure)
    await send_json(send, refusal.status, error_body(refusal.code, refusal.message), list(headers))
