"""Start and stop the product's own servers as child processes, on free loopback ports."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from interaction_pipeline import settings
from interaction_pipeline.sandbox.server import free_port

__all__ = ["free_port", "start_cli_server", "wait_until_healthy"]


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
