"""`make dev`: the Dagster UI and daemon, the collector and the sandbox together, on the demo's data.

``python -m interaction_pipeline.dev`` starts

- the sandbox (in this process), seeded with the story of the last ``make demo`` in this home, so the object
  syncs see the same Stripe, Zendesk and Salesforce data the warehouse already holds;
- the collector (``interaction-pipeline collector``), where partners and SDKs send events;
- ``dagster dev -w workspace.yaml`` with ``DAGSTER_HOME`` set to the project's instance, so the UI shows the
  demo's runs and the sensors and automation conditions run as in production: new events and objects reach
  the audiences' destinations with no click.

Restarting resumes where it stopped: sensors and automation conditions keep their cursors in the instance,
object syncs theirs in the warehouse, and an audience whose members did not change is not synced again.

Ctrl-C (or SIGTERM) stops all of them, everything they started included, within ten seconds; the collector
closes its spool segments first. If one of them exits on its own, the others are stopped too. Ports come
from the flags, else from ``INTERACTION_PIPELINE_{DAGSTER,COLLECTOR,SANDBOX}_PORT``; two copies run side by
side with their own ports and their own ``INTERACTION_PIPELINE_HOME``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

from interaction_pipeline import partners, settings
from interaction_pipeline.demo.processes import ChildServer, stop_groups, wait_until_healthy
from interaction_pipeline.demo.story_pin import recorded_story
from interaction_pipeline.sandbox.app import seed_from_story
from interaction_pipeline.sandbox.server import run_sandbox

DEFAULT_PORTS = {"dagster": 3000, "collector": 8088, "sandbox": partners.DEFAULT_SANDBOX_PORT}
# Ctrl-C must leave nothing behind within ten seconds: the processes get this long to finish on their own.
STOP_GRACE_SECONDS = 6.0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    chosen = settings.dev_ports()
    defaults = {service: chosen[service] or port for service, port in DEFAULT_PORTS.items()}
    parser = argparse.ArgumentParser(
        prog="python -m interaction_pipeline.dev", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--dagster-port", type=int, default=defaults["dagster"])
    parser.add_argument("--collector-port", type=int, default=defaults["collector"])
    parser.add_argument("--sandbox-port", type=int, default=defaults["sandbox"])
    return parser.parse_args(argv)


def _start(name: str, command: list[str], url: str, health: str, environment: dict[str, str]) -> ChildServer:
    log = settings.paths().home / "logs" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as output:
        # A session of its own: Ctrl-C reaches only this supervisor, which stops each group as a whole.
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
    except BaseException:
        stop_groups([child], grace=2.0)
        raise
    return child


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


@contextlib.contextmanager
def home_lock() -> Iterator[int | None]:
    """Hold ``<home>/dev.lock`` while running: yields None, or the pid of the `make dev` already holding it.
    The kernel drops the lock with the process, so a crashed `make dev` never blocks the next one."""
    path = settings.paths().home / "dev.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            yield int(handle.read().strip() or -1)
            return
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield None


def _commands(ports: dict[str, int]) -> dict[str, list[str]]:
    python = sys.executable
    collector = [python, "-m", "interaction_pipeline.cli", "collector", "--port", str(ports["collector"])]
    dagster = [python, "-m", "dagster", "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p"]
    return {"collector": collector, "dagster": [*dagster, str(ports["dagster"])]}


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
    # SIGINT explicitly too: a shell that starts `make dev` in the background leaves it ignored.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
    with home_lock() as holder:
        if holder is not None:
            print(
                f"cannot start: `make dev` (pid {holder}) already runs on {settings.paths().home}; "
                "give a second copy its own INTERACTION_PIPELINE_HOME",
                file=sys.stderr,
            )
            return 2
        return _run(ports)


def _run(ports: dict[str, int]) -> int:
    story = recorded_story()
    children: list[ChildServer] = []
    with run_sandbox(seed=story.seed if story else 42, size=0, port=ports["sandbox"]) as sandbox:
        if story:
            seed_from_story(sandbox.state, story.seed, story.size, story.now)
        environment = settings.child_environment()
        environment[partners.SANDBOX_URL_VARIABLE] = sandbox.url
        environment["DAGSTER_HOME"] = str(settings.ensure_dagster_home())
        commands = _commands(ports)
        try:
            for name, health in (("collector", "/health"), ("dagster", "/server_info")):
                url = f"http://127.0.0.1:{ports[name]}"
                children.append(_start(name, commands[name], url, health, environment))
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
            # Dagster first: its runs stop writing the warehouse before the collector closes the spool.
            for name, code in stop_groups(list(reversed(children)), STOP_GRACE_SECONDS).items():
                print(f"stopped {name} (exit {code})", flush=True)


def _announce(sandbox_url: str, children: list[ChildServer], story) -> None:
    from interaction_pipeline.defs import cadence

    urls = {child.name: child.url for child in children}
    print(f"\nDagster UI        {urls['dagster']}", flush=True)
    print(f"collector         {urls['collector']}  (debugger: {urls['collector']}/debugger)")
    print(f"sandbox           {sandbox_url}  (control API: {sandbox_url}/_sandbox/health)")
    print(
        f"automation        new data is rebuilt within {cadence.rebuild_window_minutes()} min and changed "
        "audiences are synced on their own (Dagster UI → Automation)"
    )
    if story is None:
        print("no demo data yet: run `make demo` first to fill the warehouse and the sandbox")
    print("Ctrl-C stops everything.", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
