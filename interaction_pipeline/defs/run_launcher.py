"""The run launcher of the project's instance: Dagster's default, plus a health check of each run's process.

Runs execute in a process of their own on this machine, and Dagster records its pid when it starts
("Started process for run (pid: ...)"). A run whose process was killed (the OOM killer, `kill -9`, a power
loss that took the code server with it) would otherwise stay STARTED and keep its warehouse pool slot
forever. With this check, run monitoring (`run_monitoring` in `dagster.yaml`) marks such a run failed within
its poll interval; the instance then frees the slot (`free_slots_after_run_end_seconds`) and retries the run
(`run_retries`).
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from dagster._core.launcher import CheckRunHealthResult, DefaultRunLauncher, WorkerStatus

STARTED_PROCESS = "Started process for run"


def run_worker(instance: dg.DagsterInstance, run_id: str) -> tuple[int, float] | None:
    """(pid, when it reported itself) of the run's process, if it started."""
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        if entry.message and entry.message.startswith(STARTED_PROCESS):
            pid = entry.dagster_event.engine_event_data.metadata.get("pid")
            if pid is not None:
                return int(pid.value), entry.timestamp
    return None


def process_alive(pid: int, reported_at: float) -> bool:
    """Whether ``pid`` is still the process that reported itself at ``reported_at``."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():  # no procfs (macOS): the pid answering is all we can know
        return True
    fields = stat.read_text().rsplit(")", 1)[1].split()
    if fields[0] == "Z":  # exited, not yet collected by its parent
        return False
    lines = Path("/proc/stat").read_text().splitlines()
    boot = next(float(line.split()[1]) for line in lines if line.startswith("btime"))
    started = boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    # A pid reused by a later process started after the run's worker reported itself.
    return started <= reported_at + 1.0


class RunLauncherWithHealthChecks(DefaultRunLauncher):
    """Launches runs like Dagster's default launcher and tells run monitoring whether each is still alive."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        worker = run_worker(self._instance, run.run_id)
        if worker is None:
            # Not started yet (run monitoring's start timeout covers it) or run in-process by a script.
            return CheckRunHealthResult(WorkerStatus.RUNNING, "no run process recorded")
        pid, reported_at = worker
        if process_alive(pid, reported_at):
            return CheckRunHealthResult(WorkerStatus.RUNNING, f"run process {pid} is alive")
        return CheckRunHealthResult(WorkerStatus.FAILED, f"run process {pid} is gone (killed or crashed)")
