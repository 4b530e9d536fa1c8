"""What the demo's Dagster runs are doing while they run, read from their events.

A run executes in this process; a thread reads the run's event log every half second and counts the assets
each phase has finished: events loaded, objects synced, dbt models built (of all the build's models), charts
drawn. The audience syncs that follow are counted as their runs end.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator

import dagster as dg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

PHASES = ("load events", "sync objects", "dbt models", "draw charts")
FINISHED = {dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_OBSERVATION}


def phase_of(key: dg.AssetKey) -> str:
    top = key.path[0]
    if top == "raw_events":
        return "load events"
    if top.startswith("raw_"):
        return "sync objects"
    return "draw charts" if top == "reporting" else "dbt models"


def _columns() -> tuple:
    return (
        TextColumn("  {task.description:<14}"),
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )


class RunWatcher(threading.Thread):
    """Advances one progress task per phase as the run's assets finish."""

    def __init__(self, instance: dg.DagsterInstance, run_id: str, progress: Progress, tasks: dict) -> None:
        super().__init__(daemon=True)
        self.instance, self.run_id, self.progress, self.tasks = instance, run_id, progress, tasks
        self.stopping = threading.Event()
        self.seen: set[dg.AssetKey] = set()
        self.cursor: str | None = None

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            self.poll()
        self.poll()

    def poll(self) -> None:
        found = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, of_type=FINISHED)
        self.cursor = found.cursor
        for record in found.records:
            key = record.event_log_entry.dagster_event.asset_key
            if key is not None and key not in self.seen:
                self.seen.add(key)
                self.progress.advance(self.tasks[phase_of(key)])


@contextlib.contextmanager
def build_progress(console: Console, instance: dg.DagsterInstance, keys: set[dg.AssetKey]) -> Iterator[str]:
    """A run id to build ``keys`` under, while bars show each phase's count."""
    totals = dict.fromkeys(PHASES, 0)
    for key in keys:
        totals[phase_of(key)] += 1
    run_id = str(uuid.uuid4())
    with Progress(*_columns(), console=console) as progress:
        tasks = {phase: progress.add_task(phase, total=totals[phase]) for phase in PHASES if totals[phase]}
        watcher = RunWatcher(instance, run_id, progress, tasks)
        watcher.start()
        try:
            yield run_id
        finally:
            watcher.stopping.set()
            watcher.join()


@contextlib.contextmanager
def sync_progress(console: Console) -> Iterator[tuple]:
    """(planned, done) callbacks for the audience syncs: how many runs there are, and one more ended."""
    with Progress(*_columns(), console=console) as progress:
        task = progress.add_task("audience syncs", total=None)
        yield (lambda total: progress.update(task, total=total), lambda: progress.advance(task))
