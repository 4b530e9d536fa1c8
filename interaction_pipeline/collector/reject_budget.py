"""How much of the rejects spool each client and each source may fill: token buckets in bytes per second.

A refused request costs its sender nothing, so without a budget anyone could make the collector write (and
fsync) rejects as fast as they can send. Every record must fit both its client's bucket (by address) and its
source's bucket (unauthenticated requests share one). A record that does not fit is stored without its body;
one that does not fit even then is not stored. Every outcome is counted, in total and per source, and shown
by ``/health`` and the debugger. The sender's answer is the same in every case.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import orjson

UNAUTHENTICATED = "(unauthenticated)"
OVERFLOW = "(many clients)"  # shared by new clients while MAX_CLIENTS are tracked
MAX_CLIENTS = 10_000


@dataclass
class Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    def __init__(self, rate: float, burst: float, clock=time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self.buckets: dict[str, Bucket] = {}
        self.pruned_at = float("-inf")

    def available(self, key: str) -> tuple[Bucket, float]:
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= MAX_CLIENTS and not self._forget_full(now):
                key = OVERFLOW
            bucket = self.buckets.setdefault(key, Bucket(self.burst, now))
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        return bucket, bucket.tokens

    def _forget_full(self, now: float) -> bool:
        """Drop buckets that have refilled (a full bucket is the same as none); True if any went. At most
        once a second: under a flood from many addresses, new ones share the overflow bucket meanwhile."""
        if now - self.pruned_at < 1.0:
            return False
        self.pruned_at = now
        refill = self.burst / self.rate
        full = [key for key, bucket in self.buckets.items() if now - bucket.updated >= refill]
        for key in full:
            del self.buckets[key]
        return bool(full)


class RejectBudget:
    def __init__(
        self, client_rate: float, client_burst: float, source_rate: float, source_burst: float
    ) -> None:
        self.clients = TokenBuckets(client_rate, client_burst)
        self.sources = TokenBuckets(source_rate, source_burst)
        self.totals: Counter = Counter()
        self.by_source: dict[str, Counter] = {}

    def _take(self, client: str, source: str, size: int) -> bool:
        client_bucket, client_tokens = self.clients.available(client)
        source_bucket, source_tokens = self.sources.available(source)
        if size > client_tokens or size > source_tokens:
            return False
        client_bucket.tokens -= size
        source_bucket.tokens -= size
        return True

    def encode(self, records: list[dict], client: str | None, source_name: str | None) -> bytes:
        """The lines of the records that fit the budget; a record that does not fit loses its body first."""
        client, source = client or "(unknown)", source_name or UNAUTHENTICATED
        counts = self.by_source.setdefault(source, Counter())
        lines = []
        for record in records:
            line = orjson.dumps(record) + b"\n"
            outcome = "stored"
            if not self._take(client, source, len(line)):
                line = orjson.dumps({**record, "raw": None, "rawEncoding": "rate_limited"}) + b"\n"
                outcome = "stored_without_body" if self._take(client, source, len(line)) else "not_stored"
            if outcome != "not_stored":
                lines.append(line)
            self.totals[outcome] += 1
            counts[outcome] += 1
        return b"".join(lines)

    def summary(self) -> dict:
        return _outcomes(self.totals)

    def counts_for(self, source_name: str) -> dict:
        return _outcomes(self.by_source.get(source_name, Counter()))


def _outcomes(counts: Counter) -> dict:
    return {outcome: counts[outcome] for outcome in ("stored", "stored_without_body", "not_stored")}
