"""Writes to `pipeline.audience_sync_log` for one sync run.

Reasons often quote a destination's answer, which may echo what it was sent: emails and phone numbers in
them are masked before they are kept (:mod:`interaction_pipeline.privacy`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from interaction_pipeline.privacy import masked_text
from interaction_pipeline.warehouse.engine import Connection
from interaction_pipeline.warehouse.sync_state import SYNC_LOG_TABLE, utc_now


@dataclass
class SyncLog:
    conn: Connection
    sync_id: str
    audience: str
    destination: str
    enabled: bool = True

    def write(
        self,
        level: str,
        status: str,
        *,
        action: str | None = None,
        batch_seq: int | None = None,
        rows: int | None = None,
        member_key: str | None = None,
        reason: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        if not self.enabled:
            return
        self.conn.execute(
            f"insert into {SYNC_LOG_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                self.sync_id,
                utc_now(),
                self.audience,
                self.destination,
                level,
                action,
                status,
                batch_seq,
                rows,
                member_key,
                masked_text(reason) if reason is not None else None,
                # The detail is counts and notes keyed by the product's own names: only its text is masked.
                masked_text(orjson.dumps(detail).decode()) if detail is not None else None,
            ],
        )

    def rows_from(self, query: str, status: str, action: str, params: list[Any] | None = None) -> None:
        """Row-level entries straight from a query yielding (member_key, reason)."""
        if not self.enabled:
            return
        self.conn.execute(
            f"""
            insert into {SYNC_LOG_TABLE}
            select ?, ?, ?, ?, 'row', ?, ?, null, 1, member_key, reason, null from ({query}) found
            """,
            [self.sync_id, utc_now(), self.audience, self.destination, action, status, *(params or [])],
        )

    def retries(self, action: str, batch_seq: int, reasons: list[str]) -> None:
        for reason in reasons:
            self.write("batch", "retried", action=action, batch_seq=batch_seq, reason=reason)
