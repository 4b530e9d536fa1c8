"""What the sync engine needs from a destination, and what a destination tells it back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from interaction_pipeline.destinations.spec import SyncTarget
from interaction_pipeline.warehouse.engine import Connection


@dataclass(frozen=True)
class OutRow:
    member_key: str
    payload: Any
    changed: bool = False  # an existing member whose identifiers changed, not a new one


@dataclass
class BatchResult:
    """An accepted request. `rejected` maps member keys the destination refused (partial failure) to reasons;
    `counts` holds the destination's own figures (num_received, num_invalid_entries, ...); `retries` the
    reasons of attempts that were retried before this one succeeded."""

    rejected: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    retries: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Confirmed:
    """What the warehouse says a destination holds, for checking that it still does."""

    count: int
    last_confirmed_at: datetime | None
    sample: list[Any]  # the payloads of a few confirmed members, picked at random


class DeliveryError(Exception):
    """A request that failed after its retries; its rows stay unconfirmed and are sent again next run."""

    def __init__(
        self,
        reason: str,
        retries: list[str] | None = None,
        answer: dict | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retries = retries or []
        self.answer = answer or {}  # the JSON body of a final error answer, when there was one
        self.status = status  # the HTTP status of a final error answer, when there was one


class RemoteListMissing(DeliveryError):
    """The destination no longer has the list we synced to (deleted by someone, or a restarted sandbox).

    What was confirmed is void: the engine clears it and the remote id, and sends everyone to a new list.
    """


class Destination(Protocol):
    name: str
    endpoint: str
    # Where it keeps its lists: endpoint and account, never a secret (`account.py`). Sync state is kept per
    # account, so a client pointed at another account starts from nothing confirmed.
    account: str
    # True when sent rows only count once the whole action is closed (Google runs its job at the end).
    confirms_on_close: bool
    supports_replace: bool

    def rows_per_batch(self, target: SyncTarget) -> int: ...

    def prepare(self, conn: Connection, target: SyncTarget, *, dry_run: bool) -> None: ...

    def open(self, action: str, total_rows: int, total_batches: int) -> None: ...

    def send(self, action: str, rows: list[OutRow], batch_seq: int) -> BatchResult: ...

    def close(self, action: str) -> BatchResult: ...

    def request_count(self) -> int: ...

    def membership_days(self, target: SyncTarget) -> int | None:
        """Days a member stays on the destination's list after its last upload; None when it stays."""

    def verify_remote(self, target: SyncTarget, confirmed: Confirmed) -> str | None:
        """Why the destination no longer holds what it confirmed, found by a cheap read; None when it
        does or cannot tell. Raises `RemoteListMissing` when the list itself is gone. Called after
        `prepare(dry_run=True)`."""

    def remote_list(self, conn: Connection, target: SyncTarget) -> tuple[str | None, str | None]:
        """The destination's id of the list ``target`` syncs to and a link to it in the vendor's UI (None
        where there is no list, or no page to link)."""

    def delete_remote_list(self, conn: Connection, target: SyncTarget) -> bool:
        """Delete the list the product created for ``target``; False when there is none to delete (its
        members must then be removed one by one)."""
