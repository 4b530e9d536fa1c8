"""What lets the pipeline carry on after a run's process is killed: run monitoring's health check reports a
run whose process is gone as failed, and a dbt build a killed run left running is stopped before the next."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import dagster as dg
from dagster._core.events import EngineEventData
from dagster._core.launcher import WorkerStatus

from interaction_pipeline import settings
from interaction_pipeline.defs.run_launcher import RunLauncherWithHealthChecks, process_alive, run_worker
from interaction_pipeline.defs.transform.leftovers import RUN_VARIABLE, run_marker, stop_leftover_builds


@dg.op
def noop():
    return None


@dg.job
def a_job():
    noop()


def sleeper(marker: str | None = None) -> subprocess.Popen:
    environment = {**os.environ, RUN_VARIABLE: marker} if marker else None
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], env=environment)


def health(instance: dg.DagsterInstance, run_id: str) -> WorkerStatus:
    launcher = RunLauncherWithHealthChecks()
    launcher.register_instance(instance)
    return launcher.check_run_worker_health(instance.get_run_by_id(run_id)).status


def test_a_run_whose_process_was_killed_is_reported_failed_and_a_live_one_running():
    with dg.DagsterInstance.ephemeral() as instance:
        run_id = a_job.execute_in_process(instance=instance).run_id
        assert run_worker(instance, run_id) is None
        assert health(instance, run_id) == WorkerStatus.RUNNING  # nothing recorded: nothing to judge

        process = sleeper()
        run = instance.get_run_by_id(run_id)
        instance.report_engine_event(
            f"Started process for run (pid: {process.pid}).", run, EngineEventData.in_process(process.pid)
        )
        assert run_worker(instance, run_id)[0] == process.pid
        assert health(instance, run_id) == WorkerStatus.RUNNING
        process.kill()
        deadline = time.monotonic() + 10
        while health(instance, run_id) != WorkerStatus.FAILED and time.monotonic() < deadline:
            time.sleep(0.05)
        assert health(instance, run_id) == WorkerStatus.FAILED  # killed, not yet collected: a zombie
        process.wait()
        assert health(instance, run_id) == WorkerStatus.FAILED


def test_a_pid_taken_by_a_newer_process_does_not_count_as_the_run_alive():
    process = sleeper()
    try:
        assert process_alive(process.pid, reported_at=time.time())
        assert not process_alive(process.pid, reported_at=time.time() - 3600)  # reported before it started
    finally:
        process.kill()
        process.wait()


def test_a_dbt_build_left_by_a_killed_run_of_this_home_is_stopped_and_no_other(pipeline_home):
    leftover = sleeper(run_marker("killed-run"))
    own = sleeper(run_marker("this-run"))
    other_home = sleeper(f"killed-run {pipeline_home.parent / 'elsewhere'}")
    by_hand = sleeper()
    try:
        time.sleep(0.5)  # each has exec'd, with its environment in place
        assert stop_leftover_builds("this-run") == [leftover.pid]
        assert leftover.wait(timeout=15) != 0
        assert [process.poll() for process in (own, other_home, by_hand)] == [None, None, None]
        assert str(settings.paths().home) in run_marker("this-run")
    finally:
        for process in (leftover, own, other_home, by_hand):
            process.kill()
            process.wait()
