"""Two loader runs at once, on the project's real Dagster instance: both succeed and the spool loads once.

The test holds the warehouse pool's only slot while it starts two `dagster job execute` processes, waits until
both runs report their step blocked on the pool, then frees the slot. Without `pool=WAREHOUSE_POOL` on the
asset (or with a pool of more than one slot) the steps would not wait and the test fails; with it, the two
loads run one after the other and neither hits DuckDB's single-writer lock.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from interaction_pipeline import settings
from interaction_pipeline.defs.resources import WAREHOUSE_POOL

JOB = "load_spool_events"
HOLDER_RUN, HOLDER_STEP = "pool-test-holder", "holder"


def write_spool(spool: Path, segments: int, per_segment: int) -> int:
    folder = spool / "events" / "2026-11-29"
    folder.mkdir(parents=True)
    for number in range(segments):
        lines = [
            json.dumps(
                {
                    "type": "track",
                    "event": "Email Opened",
                    "userId": f"user-{index}",
                    # every segment repeats half of the previous one's ids: resends across segments
                    "messageId": f"msg-{number * per_segment // 2 + index}",
                    "timestamp": "2026-11-29T10:15:00.123Z",
                    "receivedAt": "2026-11-29T10:15:01.000Z",
                    "_source": {"name": "braze-prod", "kind": "braze"},
                }
            )
            for index in range(per_segment)
        ]
        (folder / f"20261129T1015{number:02d}000000Z-0000{number:04x}.ndjson").write_text(
            "\n".join(lines) + "\n"
        )
    return (segments + 1) * per_segment // 2


def start_run(name: str) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "dagster"),
        "job",
        "execute",
        "-m",
        "interaction_pipeline.definitions",
        "-j",
        JOB,
        "--tags",
        json.dumps({"pool_test/run": name}),
    ]
    return subprocess.Popen(
        command,
        cwd=settings.PROJECT_ROOT,
        env=settings.child_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def blocked_runs(instance: dg.DagsterInstance) -> set[str]:
    blocked = set()
    for run in instance.get_runs(filters=dg.RunsFilter(job_name=JOB)):
        messages = [record.message or "" for record in instance.all_logs(run.run_id)]
        if any(f"blocked by limit for pool {WAREHOUSE_POOL}" in message for message in messages):
            blocked.add(run.run_id)
    return blocked


def step_window(instance: dg.DagsterInstance, run_id: str) -> tuple[float, float]:
    events = instance.all_logs(run_id)
    start = min(e.timestamp for e in events if e.dagster_event_type == dg.DagsterEventType.STEP_START)
    end = max(e.timestamp for e in events if e.dagster_event_type == dg.DagsterEventType.STEP_SUCCESS)
    return start, end


def rows_loaded(instance: dg.DagsterInstance, run_id: str) -> int:
    """What the run's load reported: a materialization, or an observation when it found nothing new."""
    kinds = {dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_OBSERVATION}
    (entry,) = instance.all_logs(run_id, of_type=kinds)
    event = entry.asset_materialization or entry.asset_observation
    return event.metadata["rows_loaded"].value


def wait_for(condition, timeout: float, what: str, processes: list[subprocess.Popen]):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if any(process.poll() is not None for process in processes):
            outputs = "\n".join(
                process.communicate()[0] for process in processes if process.poll() is not None
            )
            pytest.fail(f"a run ended while waiting for {what}:\n{outputs[-4000:]}")
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.slow
def test_two_loader_runs_at_once_queue_on_the_pool_and_load_the_spool_once(pipeline_home, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(settings.ensure_dagster_home()))
    unique_messages = write_spool(settings.paths().spool, segments=6, per_segment=2000)

    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert storage.supports_global_concurrency_limits
        storage.initialize_concurrency_limit_to_default(WAREHOUSE_POOL)
        assert storage.claim_concurrency_slot(WAREHOUSE_POOL, HOLDER_RUN, HOLDER_STEP).is_claimed

        runs = [start_run("first"), start_run("second")]
        try:
            wait_for(lambda: len(blocked_runs(instance)) == 2, 180, "both runs to block on the pool", runs)
            assert not settings.paths().warehouse.exists(), "a run wrote the warehouse without the pool slot"
            storage.free_concurrency_slot_for_step(HOLDER_RUN, HOLDER_STEP)
            outputs = [run.communicate(timeout=240)[0] for run in runs]
        finally:
            for run in runs:
                if run.poll() is None:
                    run.kill()

        assert [run.returncode for run in runs] == [0, 0], "\n".join(outputs)[-4000:]
        records = instance.get_runs(filters=dg.RunsFilter(job_name=JOB))
        assert [run.status for run in records] == [dg.DagsterRunStatus.SUCCESS] * 2
        first, second = sorted(step_window(instance, run.run_id) for run in records)
        assert first[1] <= second[0], "the two loader steps overlapped"
        assert sorted(rows_loaded(instance, run.run_id) for run in records) == [0, unique_messages]

    with duckdb.connect(str(settings.paths().warehouse), read_only=True) as conn:
        assert conn.execute(
            "select count(*), count(distinct message_id) from raw_events.messages"
        ).fetchone() == (
            unique_messages,
            unique_messages,
        )
        assert conn.execute("select count(*), sum(lines) from pipeline.spool_manifest").fetchone() == (
            6,
            12000,
        )
