"""Storing what a request produced, and refusing a whole request.

Both endpoints end here: the accepted lines and the reject records of a request go to the group committer in
one submission, the rejects within the sender's budget (:mod:`.reject_budget`); a refused request keeps one
bounded record of its refusal and is answered with its status.
"""

from __future__ import annotations

import logging

from interaction_pipeline.collector.committer import Overloaded
from interaction_pipeline.collector.rejects import NOT_PARSED, reject_record
from interaction_pipeline.collector.responses import error_body, send_json

logger = logging.getLogger("interaction_pipeline.collector.refusals")


class Refusal(Exception):
    """A request-level rejection: answered with ``status`` and recorded in the rejects spool."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def client_address(scope) -> str | None:
    client = scope.get("client")
    return client[0] if client else None


async def store(state, client: str | None, source, received_at: str, examined) -> bool:
    """Commit one request's lines and reject records; False when nothing could be stored (answer 503)."""
    rejects = examined.rejects
    rejects_data = state.reject_budget.encode(rejects, client, source.name) if rejects else b""
    try:
        if examined.events_data or rejects_data:
            await state.committer.submit(examined.events_data, rejects_data)
    except (Overloaded, OSError):
        return False
    live_view = state.live_view
    live_view.record_accepted(
        source.name, received_at, examined.entries, examined.lengths, examined.events_data
    )
    live_view.record_rejects(rejects)
    return True


async def answer_unavailable(state, send, headers=()) -> None:
    retry = str(state.config.retry_after_seconds).encode()
    body = error_body("unavailable", "the collector cannot store events right now; retry later")
    await send_json(send, 503, body, [(b"retry-after", retry), *headers])


def refusal_record(received_at: str, path: str, source, refusal: Refusal, document=NOT_PARSED) -> dict:
    """The reject record of a refused request: built while the parsed document is at hand, so the document
    is freed before the record waits for the disk."""
    return reject_record(received_at, refusal.code, refusal.message, path, source, document)


async def refuse(state, send, client, source, refusal: Refusal, record: dict, headers=()) -> None:
    """Record the refusal within the rejects budget and answer; a full spool only loses the record."""
    data = state.reject_budget.encode([record], client, source.name if source else None)
    try:
        if data:
            await state.committer.submit(b"", data)
        state.live_view.record_rejects([record])
    except (Overloaded, OSError) as failure:
        logger.error("could not record a %s reject: %s", refusal.code, failure)
    await send_json(send, refusal.status, error_body(refusal.code, refusal.message), list(headers))
