"""dbt processes left behind by killed runs, stopped before the next build.

A run's process can die (the OOM killer, `kill -9`) while its dbt child carries on building; dbt-duckdb opens
the warehouse per statement rather than for the whole build, so such a leftover would interleave its writes
with the next build's. Every dbt build is started with its run's id in its environment, and the warehouse pool
runs one warehouse step at a time: when a build starts, any other dbt process of this home is a leftover, and
it is stopped first. A dbt started by hand has no run id and is left alone. Needs Linux's /proc; elsewhere the
next build only waits for the warehouse's lock.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from interaction_pipeline import settings

RUN_VARIABLE = "INTERACTION_PIPELINE_DBT_RUN"
STOP_SECONDS = 10.0


def run_marker(run_id: str) -> str:
    """The value of ``RUN_VARIABLE`` for a build of ``run_id`` in this home."""
    return f"{run_id} {settings.paths().home}"


def _marker(pid_dir: Path) -> str | None:
    for item in (pid_dir / "environ").read_bytes().split(b"\0"):
        if item.startswith(RUN_VARIABLE.encode() + b"="):
            return item.split(b"=", 1)[1].decode(errors="replace")
    return None


def leftover_builds(run_id: str) -> list[int]:
    """Pids of dbt processes started by another run of this home."""
    home = f" {settings.paths().home}"
    found = []
    for pid_dir in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            marker = _marker(pid_dir)
            if marker and marker.endswith(home) and marker != run_marker(run_id):
                found.append(int(pid_dir.name))
    return found


def stop_leftover_builds(run_id: str) -> list[int]:
    """Stop (SIGTERM, then SIGKILL) every leftover dbt build; the pids stopped."""
    pids = leftover_builds(run_id)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.2)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return pids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
