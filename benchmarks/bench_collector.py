"""The collector's throughput with durable (fsynced) acknowledgement, against a bare Starlette endpoint.

The collector runs exactly as `interaction-pipeline collector` runs it (its guarded HTTP protocol: deadlines,
a head cap, the connection cap); the bare app runs on plain uvicorn with the same settings and
garbage-collector tuning. Each runs in one uvicorn worker, side by side in the same run, driven by a load
generator in another process: `wrk` when installed (`apt-get install wrk`), else a small multi-process
keep-alive `http.client` client. The load alternates between them in short rounds; each round measures both
back to back and the round with the median ratio is reported, so a busy moment on a shared machine does not
favour either. Figures:
- single-message `POST /v1/track` requests/s, baseline = the bare endpoint that only parses the JSON
  (target: at least 70% of it);
- `POST /v1/batch` with 100 messages: messages/s (target: at least 100,000);
- `POST /webhooks/braze` with Braze Currents batches of 100 events (bearer token), mapped to Segment
  messages: events/s (target: at least 50,000), measured in rounds alternating with `/v1/batch`, so the
  ratio of the two is taken on the same machine at the same moment;
- the shape scan that bounds what a large body may build, on a 500 KB batch, against parsing it;
- the median append + fdatasync time of the disk, for context: a durable acknowledgement cannot be
  faster, and a busy disk limits every figure above.
"""

from __future__ import annotations

import base64
import http.client
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from interaction_pipeline.sandbox.server import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent


async def _parse_only(request: Request) -> JSONResponse:
    orjson.loads(await request.body())
    return JSONResponse({"success": True})


# The baseline: a Starlette endpoint that parses the JSON body and answers, nothing else.
bare_app = Starlette(routes=[Route("/v1/track", _parse_only, methods=["POST"])])


def serve_bare(port: int) -> None:
    """The baseline on plain uvicorn with the collector's settings and garbage-collector tuning: the ratio
    compares the collector as users run it (its HTTP protocol included) with a bare JSON endpoint."""
    import uvicorn

    from interaction_pipeline.collector.commands import tune_garbage_collector

    tune_garbage_collector()
    uvicorn.run(bare_app, host="127.0.0.1", port=port, access_log=False, limit_concurrency=1000,
                timeout_graceful_shutdown=30, log_level="warning")  # fmt: skip


def _message(number: int) -> dict:
    return {
        "type": "track",
        "userId": f"user-{number}",
        "event": "Email Opened",
        "messageId": f"bench-{number:012d}",
        "timestamp": "2026-11-29T10:15:00.123Z",
        "properties": {
            "campaign_id": "cmp_8f2a", "campaign_name": "Winter sale", "dispatch_id": "d_91c0",
            "message_variation_id": "mv_1", "send_id": "s_44", "app_id": "app_braze", "machine_open": None,
            "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15",
        },
        "context": {"traits": {"email": f"user{number}@example.com"}, "integration": {"name": "braze"}},
    }  # fmt: skip


def _currents_event(number: int) -> dict:
    """A Braze Currents email open in the custom HTTP connector's shape."""
    return {
        "event_type": "users.messages.email.Open", "id": f"bench-currents-{number:012d}", "time": 1764583200,
        "user": {"user_id": f"65a1f0c2b3d4e5f6{number:08d}", "external_user_id": f"user-{number}",
                 "timezone": "America/New_York"},
        "properties": {
            "campaign_id": "cmp_8f2a", "campaign_name": "Winter sale", "dispatch_id": "d_91c0",
            "message_variation_id": "mv_1", "send_id": "s_44", "app_group_id": "app_braze",
            "email_address": f"user{number}@example.com", "machine_open": "false",
            "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15",
        },
    }  # fmt: skip


def _serve(command: list[str], port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{command} did not start")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


def _wrk(url: str, body: bytes, headers: dict, seconds: float, connections: int, work: Path) -> float:
    script = work / "request.lua"
    lines = ['wrk.method = "POST"', f"wrk.body = {_lua_string(body)}"]
    lines += [
        f"wrk.headers[{_lua_string(k.encode())}] = {_lua_string(v.encode())}" for k, v in headers.items()
    ]
    script.write_text("\n".join(lines) + "\n")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"non-2xx answers during the benchmark:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _lua_string(value: bytes) -> str:
    return '"' + "".join(f"\\{byte}" for byte in value) + '"'


def _client_worker(
    port: int, path: str, body: bytes, headers: dict, until: float, connections: int, out
) -> None:
    import threading

    counts = [0] * connections

    def loop(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        while time.monotonic() < until:
            connection.request("POST", path, body, headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                counts[slot] += 1

    threads = [threading.Thread(target=loop, args=(slot,)) for slot in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(sum(counts))


def _python_load(url: str, body: bytes, headers: dict, seconds: float, connections: int) -> float:
    port, path = int(url.split(":")[2].split("/")[0]), "/" + url.split("/", 3)[3]
    queue = multiprocessing.Queue()
    until = time.monotonic() + seconds
    workers = [
        multiprocessing.Process(
            target=_client_worker, args=(port, path, body, headers, until, connections // 4, queue)
        )
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    total = sum(queue.get() for _ in workers)
    for worker in workers:
        worker.join()
    return total / seconds


def _load(url: str, body: bytes, headers: dict, seconds: float, connections: int, work: Path) -> float:
    if shutil.which("wrk"):
        return _wrk(url, body, headers, seconds, connections, work)
    return _python_load(url, body, headers, seconds, connections)


def run(quick: bool) -> list[dict]:
    """Measure the figures described in the module docstring."""
    from interaction_pipeline.collector.registry import create_source

    seconds, rounds = (2.0, 3) if quick else (3.0, 5)
    connection_counts = (128,) if quick else (64, 128)
    data_dir = PROJECT_ROOT / "data"
    work = Path(tempfile.mkdtemp(prefix="bench_collector_", dir=data_dir if data_dir.is_dir() else None))
    env = {**os.environ, "INTERACTION_PIPELINE_HOME": str(work / "home")}
    _, key = create_source(work / "home" / "sources.json", "bench", "braze")
    headers = {
        "Content-Type": "application/json",
        "Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode(),
    }
    single = orjson.dumps(_message(1))
    batch = orjson.dumps(
        {"batch": [_message(number) for number in range(100)], "sentAt": "2026-11-29T10:15:01Z"}
    )
    currents_batch = orjson.dumps({"events": [_currents_event(number) for number in range(100)]})
    bearer = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    bare_port, collector_port = free_port(), free_port()
    # The collector exactly as users run it; the bare app with the same uvicorn settings (serve_bare).
    bare = _serve(
        [sys.executable, "-c", f"from benchmarks.bench_collector import serve_bare; serve_bare({bare_port})"],
        bare_port,
        env,
    )
    collector = _serve(
        [sys.executable, "-m", "interaction_pipeline.cli", "collector", "--port", str(collector_port)],
        collector_port,
        env,
    )
    bare_url, collector_url = f"http://127.0.0.1:{bare_port}", f"http://127.0.0.1:{collector_port}"
    rows = [
        {
            "benchmark": "collector",
            "figure": "append + fdatasync latency on the spool disk (median, context)",
            "value": _fdatasync_latency_ms(work / "home" / "spool"),
            "unit": "ms",
        },
        _shape_scan_cost(),
    ]
    try:
        for connections in connection_counts:
            pairs = []  # (bare, collector) measured back to back, so both saw the same machine
            for _ in range(rounds):
                bare_rate = _load(f"{bare_url}/v1/track", single, headers, seconds, connections, work)
                collector_rate = _load(
                    f"{collector_url}/v1/track", single, headers, seconds, connections, work
                )
                pairs.append((bare_rate, collector_rate))
            bare_rate, collector_rate = sorted(pairs, key=lambda pair: pair[1] / pair[0])[len(pairs) // 2]
            rows.append(
                {
                    "benchmark": "collector",
                    "figure": f"single-message requests/s, fsynced, {connections} connections (median pair)",
                    "value": collector_rate,
                    "unit": "requests/s",
                    "baseline": bare_rate,
                    "target": ">= 0.70 x bare Starlette JSON endpoint",
                }
            )
        batch_pairs = []  # (Tracking API batch, Currents batch) back to back, both 100 events per request
        for _ in range(rounds):
            tracking = _load(f"{collector_url}/v1/batch", batch, headers, seconds, 64, work)
            currents = _load(f"{collector_url}/webhooks/braze", currents_batch, bearer, seconds, 64, work)
            batch_pairs.append((tracking * 100, currents * 100))
        tracking_rate = sorted(pair[0] for pair in batch_pairs)[len(batch_pairs) // 2]
        rows.append(
            {
                "benchmark": "collector",
                "figure": "batches of 100, fsynced, 64 connections (median round)",
                "value": tracking_rate,
                "unit": "messages/s",
                "target": ">= 100,000 messages/s",
            }
        )
        tracking, currents = sorted(batch_pairs, key=lambda pair: pair[1] / pair[0])[len(batch_pairs) // 2]
        rows.append(
            {
                "benchmark": "collector",
                "figure": "Braze Currents batches of 100 via /webhooks/braze, fsynced, 64 connections "
                "(median pair; baseline = /v1/batch in the same round)",
                "value": currents,
                "unit": "events/s",
                "baseline": tracking,
                "target": ">= 50,000 events/s",
            }
        )
    finally:
        _stop(bare)
        _stop(collector)
        _check_spooled(work / "home")
        shutil.rmtree(work, ignore_errors=True)
    return rows


def _shape_scan_cost(repeats: int = 50) -> dict:
    """Microseconds to scan a 500 KB batch's shape before parsing it, against parsing it (the baseline)."""
    from interaction_pipeline.collector.json_shape import check_shape

    body = orjson.dumps({"batch": [_message(number) for number in range(1000)]})

    def best(action) -> float:
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            action(body)
            timings.append((time.perf_counter() - started) * 1e6)
        return min(timings)

    return {
        "benchmark": "collector",
        "figure": f"shape scan before parsing a {len(body) // 1024} KB batch (baseline: orjson.loads of it)",
        "value": best(check_shape),
        "unit": "µs",
        "baseline": best(orjson.loads),
        "target": "a small share of the parse; bodies up to 64 KiB are not scanned",
    }


def _fdatasync_latency_ms(directory: Path, samples: int = 40) -> float:
    """Median time of one append + fdatasync on the spool's disk: the floor of a durable acknowledgement."""
    directory.mkdir(parents=True, exist_ok=True)
    handle = os.open(directory / "fsync_probe", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    timings = []
    try:
        for _ in range(samples):
            os.write(handle, b"x" * 600 + b"\n")
            started = time.perf_counter()
            os.fdatasync(handle)
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        os.close(handle)
        os.unlink(directory / "fsync_probe")
    return sorted(timings)[len(timings) // 2]


def _check_spooled(home: Path) -> None:
    """The benchmark only counts if the collector really spooled what it acknowledged."""
    segments = list((home / "spool" / "events").glob("*/*.ndjson"))
    if not segments or list((home / "spool" / "events").glob("*/*.open")):
        raise RuntimeError("the collector did not close its spool segments")
