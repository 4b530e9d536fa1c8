"""Start and stop the product's own servers as child processes, on free loopback ports."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from interaction_pipeline import settings
from interaction_pipeline.sandbox.server import free_port

__all__ = ["free_port", "start_cli_server", "stop_groups", "wait_until_healthy"]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{' '.join(process.args)} exited with code {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@dataclass
class ChildServer:
    """A server we started; `stop` asks it to finish its work (SIGINT, like Ctrl-C) before it is killed."""

    name: str
    url: str
    process: subprocess.Popen

    def stop(self, timeout: float = 45.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def stop_groups(children: list[ChildServer], grace: float) -> dict[str, int]:
    """Stop children started in sessions of their own, with everything they started: each group gets SIGINT
    (what Ctrl-C sends) and ``grace`` seconds to finish, then SIGKILL, stragglers included.

    Returns each child's exit code by name."""
    for child in children:
        _signal_group(child.process, signal.SIGINT)
    deadline = time.monotonic() + grace
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.process.wait(max(0.0, deadline - time.monotonic()))
    for child in children:
        # Also reaches processes the leader started and left behind (run workers, dbt) once it has exited.
        _signal_group(child.process, signal.SIGKILL)
    return {child.name: child.process.wait() for child in children}


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def start_cli_server(
    name: str,
    arguments: list[str],
    port: int,
    health_path: str,
    log: Path,
    environment: dict[str, str] | None = None,
) -> ChildServer:
    """Run ``interaction-pipeline <name> ... --port <port>`` and wait until ``health_path`` answers 200."""
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "interaction_pipeline.cli", name, *arguments, "--port", str(port)]
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command,
            env=environment or settings.child_environment(),
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=settings.PROJECT_ROOT,
        )
    server = ChildServer(name, f"http://127.0.0.1:{port}", process)
    try:
        wait_until_healthy(server.url + health_path, process)
    except Exception:
        server.stop(timeout=5)
        raise
    return server
