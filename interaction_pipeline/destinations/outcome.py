"""What one sync did: the figures for the asset's metadata, the preview and the sync log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SyncOutcome:
    audience: str
    destination: str
    sync_id: str
    endpoint: str
    dry_run: bool
    members: int = 0
    confirmed_before: int = 0
    to_add: int = 0
    to_remove: int = 0
    added: int = 0
    removed: int = 0
    failed: int = 0
    invalid: int = 0
    refreshed: int = 0
    requests: int = 0
    blocked: str | None = None
    # guard name -> the reason it refused the sync, or None when it passed
    guards: dict[str, str | None] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    sample_adds: list[Any] = field(default_factory=list)
    sample_removes: list[Any] = field(default_factory=list)

    def metadata(self) -> dict[str, Any]:
        result = {
            key: getattr(self, key)
            for key in ("members", "added", "removed", "failed", "invalid", "requests", "to_add", "to_remove")
        }
        result.update({f"destination_{key}": value for key, value in self.counts.items()})
        return result
