"""`make dev`: the Dagster UI and daemon, the collector and the sandbox together, on the demo's data.

``python -m interaction_pipeline.dev`` starts

- the sandbox (in this process), seeded with the story of the last ``make demo`` in this home, so the object
  syncs see the same Stripe, Zendesk and Salesforce data the warehouse already holds;
- the collector (``interaction-pipeline collector``), where partners and SDKs send events;
- ``dagster dev -w workspace.yaml`` with ``DAGSTER_HOME`` set to the project's instance, so the UI shows the
  demo's runs and the schedules and sensors run as in production.

Ctrl-C (or SIGTERM) stops all of them, the collector last-but-not-least closing its spool segments. If one of
them exits on its own, the others are stopped too.
"""

from __future__ import annotations

import argparse
import signal
import socket
import subprocess
import sys
import time

from interaction_pipeline import partners, settings
from interaction_pipeline.demo.processes import ChildServer, wait_until_healthy
from interaction_pipeline.demo.story_pin import recorded_story
from interaction_pipeline.sandbox.app import seed_from_story
from interaction_pipeline.sandbox.server import run_sandbox


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m interaction_pipeline.dev", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--dagster-port", type=int, default=3000)
    parser.add_argument("--collector-port", type=int, default=8088)
    parser.add_argument("--sandbox-port", type=int, default=partners.DEFAULT_SANDBOX_PORT)
    return parser.parse_args(argv)


def _start(name: str, command: list[str], url: str, health: str, environment: dict[str, str]) -> ChildServer:
    log = settings.paths().home / "logs" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as output:
        # A session of its own: Ctrl-C reaches only this supervisor, which stops the children in order.
        process = subprocess.Popen(
            command,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=settings.PROJECT_ROOT,
            start_new_session=True,
        )
    child = ChildServer(name, url, process)
    print(f"starting {name} (log: {log})", flush=True)
    try:
        wait_until_healthy(url + health, process, timeout=180)
    except Exception:
        child.stop(timeout=10)
        raise
    return child


def _stop_all(children: list[ChildServer]) -> None:
    for child in reversed(children):
        code = child.stop(timeout=60)
        print(f"stopped {child.name} (exit {code})", flush=True)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def busy_ports(ports: dict[str, int], host: str = "127.0.0.1") -> list[str]:
    """The ports another process already listens on, by what we wanted them for."""
    busy = []
    for name, port in ports.items():
        with socket.socket() as probe:
            # as servers do, so connections still in TIME_WAIT from a previous run do not count as busy
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                busy.append(f"{name} port {port}")
    return busy


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    ports = {
        "dagster": arguments.dagster_port,
        "collector": arguments.collector_port,
        "sandbox": arguments.sandbox_port,
    }
    busy = busy_ports(ports)
    if busy:
        print(
            f"cannot start: {', '.join(busy)} already in use (is `make dev` running already?); "
            "choose others with --dagster-port, --collector-port, --sandbox-port",
            file=sys.stderr,
        )
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    story = recorded_story()
    children: list[ChildServer] = []
    with run_sandbox(seed=story.seed if story else 42, size=0, port=arguments.sandbox_port) as sandbox:
        if story:
            seed_from_story(sandbox.state, story.seed, story.size, story.now)
        environment = settings.child_environment()
        environment[partners.SANDBOX_URL_VARIABLE] = sandbox.url
        environment["DAGSTER_HOME"] = str(settings.ensure_dagster_home())
        python = sys.executable
        collector = [python, "-m", "interaction_pipeline.cli", "collector", "--port", str(ports["collector"])]
        dagster = [
            python,
            "-m",
            "dagster",
            "dev",
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(ports["dagster"]),
        ]
        try:
            children.append(
                _start(
                    "collector", collector, f"http://127.0.0.1:{ports['collector']}", "/health", environment
                )
            )
            children.append(
                _start(
                    "dagster", dagster, f"http://127.0.0.1:{ports['dagster']}", "/server_info", environment
                )
            )
            _announce(sandbox.url, children, story)
            while all(child.process.poll() is None for child in children):
                time.sleep(0.5)
            print("a process exited on its own; stopping the others", flush=True)
            return 1
        except RuntimeError as error:
            print(f"could not start: {error}", file=sys.stderr, flush=True)
            return 1
        except KeyboardInterrupt:
            print("\nstopping...", flush=True)
            return 0
        finally:
            _stop_all(children)


def _announce(sandbox_url: str, children: list[ChildServer], story) -> None:
    urls = {child.name: child.url for child in children}
    print(f"\nDagster UI        {urls['dagster']}", flush=True)
    print(f"collector         {urls['collector']}  (debugger: {urls['collector']}/debugger)")
    print(f"sandbox           {sandbox_url}  (control API: {sandbox_url}/_sandbox/health)")
    if story is None:
        print("no demo data yet: run `make demo` first to fill the warehouse and the sandbox")
    print("Ctrl-C stops everything.", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
