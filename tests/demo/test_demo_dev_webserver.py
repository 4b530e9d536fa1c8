"""`make dev` for real: the Dagster webserver, the daemon, the collector and the sandbox start together, a
materialization launched through Dagster's GraphQL API succeeds, and one interrupt stops them all."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
import requests
from dagster import DagsterRunStatus
from dagster_graphql import DagsterGraphQLClient

from interaction_pipeline import settings
from interaction_pipeline.demo.processes import free_port

pytestmark = pytest.mark.slow


def wait_for(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"make dev exited early with {process.returncode}"
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never answered")


@pytest.fixture
def dev_processes(pipeline_home):
    ports = {"dagster": free_port(), "collector": free_port(), "sandbox": free_port()}
    command = [
        sys.executable,
        "-m",
        "interaction_pipeline.dev",
        "--dagster-port",
        str(ports["dagster"]),
        "--collector-port",
        str(ports["collector"]),
        "--sandbox-port",
        str(ports["sandbox"]),
    ]
    process = subprocess.Popen(
        command,
        env=settings.child_environment(),
        cwd=settings.PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{ports['dagster']}/server_info", process)
        yield process, ports
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(90)
            except subprocess.TimeoutExpired:
                process.kill()


def test_make_dev_serves_everything_and_runs_a_materialization_launched_over_graphql(dev_processes):
    process, ports = dev_processes
    assert requests.get(f"http://127.0.0.1:{ports['collector']}/health", timeout=5).json() == {"status": "ok"}
    assert requests.get(f"http://127.0.0.1:{ports['sandbox']}/_sandbox/health", timeout=5).json()["ok"]

    client = DagsterGraphQLClient("127.0.0.1", port_number=ports["dagster"])
    run_id = client.submit_job_execution("__ASSET_JOB", asset_selection=[["raw_events", "messages"]])
    deadline = time.monotonic() + 180
    status = client.get_run_status(run_id)
    while status not in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED):
        assert time.monotonic() < deadline, f"run {run_id} still {status}"
        time.sleep(1)
        status = client.get_run_status(run_id)
    assert status == DagsterRunStatus.SUCCESS

    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=90)
    assert process.returncode == 0, output
    assert "stopped dagster (exit 0)" in output and "stopped collector (exit 0)" in output
    for port in (ports["dagster"], ports["collector"], ports["sandbox"]):
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/", timeout=2)
