"""Sending one action's batches to a destination and confirming what it accepted.

Used by the sync engine: `_adds`, `_removes` (and `_replace`) are temp tables with a `batch_seq`; each batch
is read, sent, logged, and its accepted rows are written to the membership at once, or when the action is
closed for destinations whose changes only take effect then.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from interaction_pipeline.destinations.base import DeliveryError, Destination, OutRow, RemoteListMissing
from interaction_pipeline.destinations.outcome import SyncOutcome
from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.destinations.sync_log import SyncLog
from interaction_pipeline.warehouse.engine import Connection, upsert_sql
from interaction_pipeline.warehouse.sync_state import (
    MEMBERSHIP_COLUMNS,
    MEMBERSHIP_KEY,
    MEMBERSHIP_TABLE,
    utc_now,
)


@dataclass
class BatchSender:
    conn: Connection
    target: SyncTarget
    destination: Destination
    log: SyncLog
    outcome: SyncOutcome

    def batch_rows(self, table: str, seq: int) -> list[OutRow]:
        rows = self.conn.execute(
            f"select member_key, payload, is_change from {table} where batch_seq = ?", [seq]
        ).fetchall()
        return [OutRow(key, orjson.loads(payload), bool(changed)) for key, payload, changed in rows]

    def add_counts(self, counts: dict[str, int]) -> None:
        for key, value in counts.items():
            self.outcome.counts[key] = self.outcome.counts.get(key, 0) + value

    def confirm(self, action: str, table: str, seqs: list[int]) -> int:
        """Record accepted batches of `table` (minus rows the destination rejected) in the membership."""
        params = [self.target.audience.name, self.target.state_key]
        accepted = (
            f"from {table} where batch_seq in ({','.join(map(str, seqs))}) "
            "and member_key not in (select member_key from _rejected)"
        )
        done = self.conn.execute(f"select count(*) {accepted}").fetchall()[0][0]
        if action == "remove":
            self.conn.execute(
                f"delete from {MEMBERSHIP_TABLE} where audience = ? and destination = ? "
                f"and member_key in (select member_key {accepted})",
                params,
            )
        else:
            self.conn.execute(
                upsert_sql(
                    MEMBERSHIP_TABLE,
                    MEMBERSHIP_COLUMNS.split(", "),
                    MEMBERSHIP_KEY,
                    f"select ?, ?, member_key, fingerprint, payload, 'confirmed', ?, ?, null {accepted}",
                ),
                [*params, utc_now(), self.log.sync_id],
            )
        return done

    def confirmed_now(self, table: str) -> int:
        """How many members of ``table`` this sync confirmed."""
        return self.conn.execute(
            f"select count(*) from {table} t join {MEMBERSHIP_TABLE} m using (member_key) "
            "where m.audience = ? and m.destination = ? and m.status = 'confirmed' and m.sync_id = ?",
            [self.target.audience.name, self.target.state_key, self.log.sync_id],
        ).fetchall()[0][0]

    def hold_changed_adds(self, failed_remove_batches: list[int], table: str = "_adds") -> None:
        """A member whose old identifiers could not be removed keeps them confirmed; its new row waits."""
        if failed_remove_batches:
            seqs = ",".join(map(str, failed_remove_batches))
            self.conn.execute(
                f"delete from {table} where is_change and member_key in "
                f"(select member_key from _removes where batch_seq in ({seqs}))"
            )

    def send_all(self, action: str, table: str) -> tuple[int, list[int]]:
        """Send every batch of `table`; returns (rows confirmed, failed batch numbers)."""
        total, batches = self.conn.execute(
            f"select count(*), coalesce(max(batch_seq), 0) from {table}"
        ).fetchall()[0]
        if total == 0:
            return 0, []
        try:
            self.destination.open(action, total, batches)
        except RemoteListMissing:
            raise
        except DeliveryError as error:
            self.log.retries(action, 0, error.retries)
            self.log.write("batch", "failed", action=f"{action}:open", rows=total, reason=error.reason)
            return 0, list(range(1, batches + 1))
        accepted: list[int] = []
        failed: list[int] = []
        confirmed = 0
        for seq in range(1, batches + 1):
            rows = self.batch_rows(table, seq)
            if not rows:
                continue
            try:
                result = self.destination.send(action, rows, seq)
            except RemoteListMissing:
                raise
            except DeliveryError as error:
                self.log.retries(action, seq, error.retries)
                self.log.write(
                    "batch", "failed", action=action, batch_seq=seq, rows=len(rows), reason=error.reason
                )
                failed.append(seq)
                continue
            self.log.retries(action, seq, result.retries)
            self.add_counts(result.counts)
            self.log.write(
                "batch",
                "accepted",
                action=action,
                batch_seq=seq,
                rows=len(rows),
                detail=result.counts or None,
            )
            if result.rejected:
                self.conn.executemany("insert into _rejected values (?)", [[key] for key in result.rejected])
                for key, reason in result.rejected.items():
                    self.log.write(
                        "row", "rejected", action=action, batch_seq=seq, member_key=key, reason=reason
                    )
            if self.destination.confirms_on_close:
                accepted.append(seq)
            else:
                confirmed += self.confirm(action, table, [seq])
        try:
            closing = self.destination.close(action)
        except DeliveryError as error:
            self.log.retries(action, 0, error.retries)
            self.log.write("batch", "failed", action=f"{action}:close", reason=error.reason)
            return confirmed, failed + accepted
        self.log.retries(action, 0, closing.retries)
        self.add_counts(closing.counts)
        if accepted:
            confirmed += self.confirm(action, table, accepted)
        return confirmed, failed
