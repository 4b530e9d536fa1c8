"""The product runs itself, as `make dev` runs it over a small demo: nobody clicks anything.

One product serves the whole module (a small demo's warehouse, then `python -m interaction_pipeline.dev` with
the Dagster daemon, the collector and the sandbox), and the tests run in this order: a restart requests no
sync and a stop leaves nothing behind; a new ticket and a burst of email opens reach the destinations, the
burst's ten segments coalesced into at most two dbt builds; then a load, a dbt build and a sync are each
killed with SIGKILL and the pipeline carries on. Intervals are shortened through the one setting (one-minute
rebuild windows, so sensors and conditions are evaluated every 10 s) and the collector's segment age.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests
from dagster._core.scheduler.instigation import InstigatorStatus
from fixtures.audience_changes import (
    DESTINATIONS,
    REENGAGEMENT,
    SUPPRESSION,
    Person,
    braze_write_key,
    lapsed_people,
    open_ticket,
    people_without_ticket,
    read_warehouse,
    send_human_open,
    where_held,
    write_open_segment,
)
from fixtures.running_product import (
    Product,
    build_demo,
    environment,
    port_answers,
    processes_in,
    start_product,
)

from interaction_pipeline.defs.run_launcher import run_worker
from interaction_pipeline.defs.transform.leftovers import RUN_VARIABLE

pytestmark = pytest.mark.slow

SIZE, SEED = 1000, 11
PRODUCT_SETTINGS = {
    "INTERACTION_PIPELINE_REBUILD_WAIT_MINUTES": "1",
    "INTERACTION_PIPELINE_COLLECTOR_SEGMENT_MAX_AGE_SECONDS": "0.5",
}
EVENTS_ROOT = dg.AssetKey(["staging", "stg_events__messages"])
MESSAGES = dg.AssetKey(["raw_events", "messages"])


@dataclass
class Running:
    home: Path
    env: dict[str, str]
    product: Product
    ticket: Person  # has no open ticket yet
    lapsed: list[Person]  # one email open from re-engagement
    others: list[Person]

    def instance(self) -> dg.DagsterInstance:
        return self.product.instance()


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    home = tmp_path_factory.mktemp("product")
    build_demo(home, SIZE, SEED, environment(home))
    warehouse = home / "warehouse.duckdb"
    ticket, *others = people_without_ticket(warehouse, 10)
    lapsed = lapsed_people(warehouse, 2)
    assert len(lapsed) == 2 and len(others) == 9, "the story has too few people for these tests"
    env = environment(home, **PRODUCT_SETTINGS)
    running = Running(home, env, start_product(home, env), ticket, lapsed, others)
    yield running
    if running.product.process.poll() is None:
        running.product.stop()


def wait_for(condition, timeout: float, what: str, running: Running):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if running.product.process.poll() is not None:
            pytest.fail(f"make dev exited while waiting for {what}:\n{running.product.log()}")
        time.sleep(1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}:\n{running.product.log()}")


def runs_since(instance: dg.DagsterInstance, since: float, key: dg.AssetKey | None = None) -> list:
    records = instance.get_run_records(dg.RunsFilter(created_after=datetime.fromtimestamp(since, UTC)))
    return [r.dagster_run for r in records if key is None or key in (r.dagster_run.asset_selection or ())]


def ticks_since(instance: dg.DagsterInstance, sensor: str, since: float) -> int:
    (state,) = [s for s in instance.all_instigator_state() if s.instigator_name == sensor]
    return len(instance.get_ticks(state.instigator_origin_id, state.selector_id, after=float(since)))


def test_a_restart_requests_no_sync_for_unchanged_audiences_and_a_stop_leaves_nothing_behind(running):
    first = running.product
    with running.instance() as instance:
        wait_for(lambda: ticks_since(instance, "rebuild_and_sync", 0) >= 2, 120, "two evaluations", running)
    assert first.stop(signal.SIGTERM) < 10
    assert processes_in(running.home) == []
    assert not any(port_answers(first.url(service)) for service in first.ports)

    restarted = time.time()
    running.product = start_product(running.home, running.env)
    with running.instance() as instance:
        evaluated = lambda: ticks_since(instance, "rebuild_and_sync", restarted) >= 3  # noqa: E731
        wait_for(evaluated, 120, "three evaluations after the restart", running)
        started = runs_since(instance, restarted)
    syncs = [run for run in started if any(key.path[0] == "activation" for key in run.asset_selection or ())]
    assert syncs == []
    assert not [run for run in started if EVENTS_ROOT in (run.asset_selection or ())]


@pytest.fixture(scope="module")
def burst(running):
    """A new ticket, and ten email opens one after another through the collector, each in its own segment;
    returns when both audiences' destinations hold their new members and the builds are over."""
    product, started = running.product, time.time()
    sandbox, collector = product.url("sandbox"), product.url("collector")
    open_ticket(sandbox, running.ticket)
    # Zendesk leaves the last minute out of its exports; the test moves the sandbox's clock past it.
    requests.post(f"{sandbox}/_sandbox/clock", json={"advance_seconds": 61}, timeout=10).raise_for_status()
    key = braze_write_key(running.home)
    for person in [running.lapsed[0], *running.others]:
        send_human_open(collector, key, person)
        time.sleep(0.7)  # longer than the segment age: one segment each

    def arrived() -> bool:
        ticket = where_held(sandbox, SUPPRESSION, running.ticket)
        opened = where_held(sandbox, REENGAGEMENT, running.lapsed[0])
        return ticket == set(DESTINATIONS[SUPPRESSION]) and opened == set(DESTINATIONS[REENGAGEMENT])

    wait_for(arrived, 420, "the new members at every destination", running)
    with running.instance() as instance:
        wait_for(lambda: not in_progress(instance), 180, "the last runs to finish", running)
        return started, runs_since(instance, started, EVENTS_ROOT)


def in_progress(instance: dg.DagsterInstance) -> list:
    statuses = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]
    return instance.get_runs(dg.RunsFilter(statuses=statuses))


def test_a_new_ticket_and_a_human_email_open_reach_their_audiences_destinations_with_no_manual_step(
    running, burst
):
    sandbox = running.product.url("sandbox")
    assert where_held(sandbox, SUPPRESSION, running.ticket) == {"meta", "google_ads", "braze"}
    assert where_held(sandbox, REENGAGEMENT, running.lapsed[0]) == {"meta", "google_ads", "webhook"}
    assert where_held(sandbox, REENGAGEMENT, running.lapsed[1]) == set()  # no open, no change


def test_ten_segments_in_quick_succession_produce_at_most_two_dbt_builds(running, burst):
    started, builds = burst
    segments = [
        path
        for path in (running.home / "spool" / "events").rglob("*.ndjson")
        if path.stat().st_mtime >= started
    ]
    assert len(segments) >= 10
    assert 1 <= len(builds) <= 2, [run.run_id for run in builds]


def set_sensor(instance: dg.DagsterInstance, name: str, running: bool) -> None:
    """Start or stop a sensor, as its toggle in the UI does."""
    (state,) = [s for s in instance.all_instigator_state() if s.instigator_name == name]
    status = InstigatorStatus.RUNNING if running else InstigatorStatus.STOPPED
    instance.update_instigator_state(state.with_status(status))


@contextlib.contextmanager
def holding(warehouse: Path):
    """Hold the warehouse file's lock, as a DuckDB shell would: runs that need it wait, still holding their
    pool slot, so a test can kill them mid-step."""
    with duckdb.connect(str(warehouse)) as conn:
        yield conn


def step_started(instance: dg.DagsterInstance, keys: set[dg.AssetKey]) -> tuple | None:
    """(run, pid) of a started run of ``keys`` (or of the load job) whose step is executing."""
    for run in instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
        loads = MESSAGES in keys and run.job_name == "load_spool_events"
        if loads or keys & set(run.asset_selection or ()):
            worker = run_worker(instance, run.run_id)
            if worker and instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START):
                return run, worker[0]
    return None


def building_with_dbt(instance: dg.DagsterInstance) -> tuple | None:
    """(run, pid) of a started dbt build whose dbt process is running."""
    started = step_started(instance, {EVENTS_ROOT})
    if started and any(b"dbt" in cmdline for cmdline in child_commands(started[1])):
        return started
    return None


def child_commands(pid: int) -> list[bytes]:
    commands = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                commands.append((stat.parent / "cmdline").read_bytes())
        except (OSError, ValueError):
            continue
    return commands


def dbt_started_by(run_id: str, home: Path) -> list[int]:
    marker = f"{RUN_VARIABLE}={run_id} {home}".encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        with contextlib.suppress(OSError):
            if marker in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
    return found


def kill(started: tuple) -> dg.DagsterRun:
    run, pid = started
    os.kill(pid, signal.SIGKILL)
    return run


def wait_for_the_retry(instance: dg.DagsterInstance, running: Running, run: dg.DagsterRun) -> None:
    """The killed run must fail, free its pool slot and succeed when retried."""

    def retried():
        retries = instance.get_runs(dg.RunsFilter(tags={"dagster/parent_run_id": run.run_id}))
        return [r for r in retries if r.status == dg.DagsterRunStatus.SUCCESS]

    wait_for(retried, 420, f"a successful retry of killed run {run.run_id}", running)
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
    claimed = instance.event_log_storage.get_concurrency_info("duckdb_warehouse").claimed_slots
    assert run.run_id not in {slot.run_id for slot in claimed}


def test_a_killed_load_dbt_build_and_sync_are_retried_and_leave_exact_counts(running, burst):
    person, warehouse = running.lapsed[1], running.home / "warehouse.duckdb"
    syncs = {dg.AssetKey(["activation", f"reengagement__{d}"]) for d in DESTINATIONS[REENGAGEMENT]}
    with running.instance() as instance:
        # Only the runs this test kills should want the warehouse while it holds the file.
        set_sensor(instance, "object_source_polls", running=False)
        try:
            wait_for(lambda: not in_progress(instance), 180, "the pipeline to be idle", running)
            with holding(warehouse):
                segment = write_open_segment(running.home / "spool", [person])
                load = kill(wait_for(lambda: step_started(instance, {MESSAGES}), 240, "a load", running))
            wait_for_the_retry(instance, running, load)
            # The dbt process outlives its run; the retried build waits for it to let go of the warehouse.
            build = kill(wait_for(lambda: building_with_dbt(instance), 300, "a dbt build", running))
            wait_for_the_retry(instance, running, build)
            assert dbt_started_by(build.run_id, running.home) == []  # the retry stopped the leftover
            with holding(warehouse):
                sync = kill(wait_for(lambda: step_started(instance, syncs), 300, "a sync", running))
            wait_for_the_retry(instance, running, sync)
        finally:
            set_sensor(instance, "object_source_polls", running=True)

    message_ids = [json.loads(line)["messageId"] for line in segment.read_text().splitlines()]
    loaded = read_warehouse(
        warehouse, "select count(*) from raw_events.messages where message_id = ?", message_ids
    )
    manifest = read_warehouse(
        warehouse, "select count(*) from pipeline.spool_manifest where segment like ?", [f"%{segment.name}"]
    )
    assert loaded == [(1,)] and manifest == [(1,)]  # loaded once, though killed mid-load
    audience = {
        row[0] for row in read_warehouse(warehouse, "select profile_id from audiences.aud_reengagement", [])
    }
    confirmed = read_warehouse(
        warehouse,
        "select count(*) from pipeline.audience_membership "
        "where audience = 'reengagement' and destination like 'webhook@%' and status = 'confirmed'",
        [],
    )
    assert person.profile_id in audience and confirmed == [(len(audience),)]
    assert where_held(running.product.url("sandbox"), REENGAGEMENT, person) == set(DESTINATIONS[REENGAGEMENT])
