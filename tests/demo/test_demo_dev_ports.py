"""`make dev` refuses to start over another server, naming the port, instead of half-starting."""

from __future__ import annotations

import socket
import subprocess
import sys

from interaction_pipeline import settings
from interaction_pipeline.demo.processes import free_port


def test_make_dev_names_the_port_already_in_use_and_starts_nothing(pipeline_home):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        command = [
            sys.executable,
            "-m",
            "interaction_pipeline.dev",
            "--dagster-port",
            str(free_port()),
            "--collector-port",
            str(busy),
            "--sandbox-port",
            str(free_port()),
        ]
        done = subprocess.run(
            command,
            env=settings.child_environment(),
            capture_output=True,
            text=True,
            timeout=60,
            cwd=settings.PROJECT_ROOT,
        )
    assert done.returncode == 2
    assert f"collector port {busy} already in use" in done.stderr
    assert not (pipeline_home / "logs").exists()  # nothing was started
