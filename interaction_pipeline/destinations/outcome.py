"""What one sync did: the figures for the asset's metadata, the preview and the sync log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FIGURES = (
    "members",
    "added",
    "removed",
    "failed",
    "unmatched",
    "suppressed",
    "renewed",
    "resent",
    "requests",
    "to_add",
    "to_remove",
)


@dataclass
class SyncOutcome:
    audience: str
    destination: str
    sync_id: str
    endpoint: str
    dry_run: bool
    account: str = ""  # where the destination keeps the list: endpoint and account (`account.py`)
    remote_id: str | None = None  # the destination's id of the list (Meta audience, Google user list)
    remote_url: str | None = None  # the list in the vendor's UI
    members: int = 0  # members sent to this destination: the audience minus suppressed members
    confirmed_before: int = 0
    to_add: int = 0
    to_remove: int = 0
    added: int = 0
    removed: int = 0
    failed: int = 0
    # members the destination cannot match (no identifier it takes), by reason; never sent, always counted
    unmatched: int = 0
    unmatched_reasons: dict[str, int] = field(default_factory=dict)
    suppressed: int = 0  # members of a marketing audience left out because a suppression audience holds them
    renewed: int = 0  # unchanged members uploaded again before their membership expires (Customer Match)
    resent: int = 0  # members sent again by a full refresh
    full_refresh: bool = False
    drift: str | None = None  # why the destination was found to have lost what it confirmed
    requests: int = 0
    blocked: str | None = None
    # guard name -> the reason it refused the sync (or held its removals back), or None when it passed
    guards: dict[str, str | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    sample_adds: list[Any] = field(default_factory=list)
    sample_removes: list[Any] = field(default_factory=list)

    def metadata(self) -> dict[str, Any]:
        result: dict[str, Any] = {key: getattr(self, key) for key in FIGURES}
        result["unmatched_reasons"] = dict(self.unmatched_reasons)
        result["account"] = self.account
        if self.remote_id:
            result["remote_id"] = self.remote_id
        if self.full_refresh:
            result["full_refresh"] = True
        if self.drift:
            result["drift"] = self.drift
        if self.notes:
            result["notes"] = list(self.notes)
        result.update({f"destination_{key}": value for key, value in self.counts.items()})
        return result
