"""Event-to-audience latency: how long a new Zendesk ticket, or a partner's email-open event, takes to reach
every destination of its audience, with nobody clicking anything.

The product runs as `make dev` runs it, with its default settings (the Dagster daemon, its sensors and
automation conditions, the collector, the sandbox), over a demo's warehouse: `make demo`'s 5,000 people
(`--quick`: 1,000, the fewest for which the re-engagement audience reaches Meta's and Google's minimum size).
Changes come in pairs, a pair once the previous one has arrived:

- a new open ticket in the sandbox's Zendesk (its control API) for someone without one: the requester joins
  `aud_open_ticket_suppression`, pushed to Meta, Google Ads and Braze's blocklist;
- a human email open, posted to the collector as Braze's Currents export posts it, for a lapsed person the
  story left without a recent open: they join `aud_reengagement`, pushed to Meta, Google Ads and the webhook.

Latency runs from the ticket's creation, or the collector's 2xx, to the moment every destination stand-in
holds the person (polled each second). Reported: p50 and p95 per use case (target: at most 5 minutes), and
where the time went, the median of each stage read from Dagster's records of the runs (`latency_stages.py`).
Other sizes: `.venv/bin/python -c "from benchmarks.bench_latency import measure; print(measure(2000, 4))"`;
`measure(161_000, 4, home="/tmp/demo-10m")` keeps the demo of about 10,000,000 events in that folder and
reuses it on the next call.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT / "tests"))

from fixtures.audience_changes import (  # noqa: E402
    DESTINATIONS,
    REENGAGEMENT,
    SUPPRESSION,
    braze_write_key,
    lapsed_people,
    open_ticket,
    people_without_ticket,
    send_human_open,
    where_held,
)
from fixtures.running_product import build_demo, environment, start_product  # noqa: E402

from benchmarks.latency_stages import Change, stage_medians  # noqa: E402

SEED = 42
TIMEOUT_SECONDS = 900
Stages = dict[str, dict[str, float]]  # audience -> stage -> median seconds


def arrival(sandbox: str, change: Change) -> None:
    """Poll the destinations until every one holds the person; record when."""
    deadline = time.time() + TIMEOUT_SECONDS
    while time.time() < deadline:
        if where_held(sandbox, change.audience, change.person) == set(DESTINATIONS[change.audience]):
            change.arrived = time.time()
            return
        time.sleep(1)


def make_pairs(product, pairs: int) -> list[Change]:
    warehouse = product.home / "warehouse.duckdb"
    tickets, lapsed = people_without_ticket(warehouse, pairs), lapsed_people(warehouse, pairs)
    if len(lapsed) < pairs:
        raise RuntimeError(f"the story has {len(lapsed)} lapsed people without a recent open, not {pairs}")
    sandbox, collector = product.url("sandbox"), product.url("collector")
    key = braze_write_key(product.home)
    changes = []
    for ticket, reader in zip(tickets, lapsed, strict=True):
        pair = [
            Change(SUPPRESSION, ticket, open_ticket(sandbox, ticket)),
            Change(REENGAGEMENT, reader, send_human_open(collector, key, reader)),
        ]
        watchers = [threading.Thread(target=arrival, args=(sandbox, change)) for change in pair]
        for watcher in watchers:
            watcher.start()
        for watcher in watchers:
            watcher.join()
        changes += pair
    return changes


def settle(product) -> None:
    """Wait until the automation has evaluated twice, so a change is not made while everything starts."""
    with product.instance() as instance:
        deadline = time.time() + 300
        while time.time() < deadline:
            states = [s for s in instance.all_instigator_state() if s.instigator_name == "rebuild_and_sync"]
            if states and len(instance.get_ticks(states[0].instigator_origin_id, states[0].selector_id)) >= 2:
                return
            time.sleep(2)


def measure(size: int, pairs: int, home: Path | None = None) -> tuple[list[Change], Stages]:
    """Changes with their latencies, and the median seconds of each stage by audience.

    The demo is built in a temporary folder, or in `home` when given, where it is kept: a demo that already
    ran there is reused, since one of 10,000,000 events takes about 17 minutes to build on 2 cores."""
    if home is not None:
        return measure_in(Path(home), size, pairs)
    with tempfile.TemporaryDirectory(prefix="bench_latency_") as folder:
        return measure_in(Path(folder), size, pairs)


def measure_in(home: Path, size: int, pairs: int) -> tuple[list[Change], Stages]:
    """`measure` in `home`, building the demo there unless one is."""
    if not (home / "warehouse.duckdb").exists():
        build_demo(home, size, SEED, environment(home))
    product = start_product(home, environment(home))
    try:
        settle(product)
        changes = make_pairs(product, pairs)
        with product.instance() as instance:
            stages = stage_medians(instance, home, changes)
    finally:
        product.stop()
    return changes, stages


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(quick: bool) -> list[dict]:
    size, pairs = (1000, 1) if quick else (5000, 6)
    changes, stages = measure(size, pairs)
    rows = []
    for audience, use in ((SUPPRESSION, "new ticket"), (REENGAGEMENT, "human email open")):
        latencies = [c.latency for c in changes if c.audience == audience and c.latency is not None]
        missing = sum(1 for c in changes if c.audience == audience and c.latency is None)
        label = f"{use} → every destination ({size:,} people, {len(latencies)} changes"
        label += f", {missing} not arrived in {TIMEOUT_SECONDS} s)" if missing else ")"
        for share, name in ((0.5, "p50"), (0.95, "p95")):
            value = percentile(latencies, share) if latencies else float("nan")
            rows.append(
                {"benchmark": "latency", "figure": f"{label} {name}", "value": value, "unit": "s",
                 "target": "<= 300 s"}
            )  # fmt: skip
        for stage, seconds in stages.get(audience, {}).items():
            rows.append(
                {"benchmark": "latency", "figure": f"{use}: {stage} (median)", "value": seconds, "unit": "s"}
            )
    return rows
