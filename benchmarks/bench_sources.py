"""Object-source sync speed: Stripe customers and Zendesk tickets from the sandbox into DuckDB.

The sandbox runs in its own process (rate limits off), seeded with ``count`` objects of each, so the figures
measure the client and the warehouse, not a server sharing our interpreter. For each collection: objects/s
end to end, and how the time splits between waiting on HTTP and our own code (parsing, upserts, cursors).
A second pair of figures compares the bulk upsert with DuckDB's row-by-row ``executemany``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import requests

from interaction_pipeline.sandbox.server import free_port
from interaction_pipeline.sources.http import HttpSettings
from interaction_pipeline.sources.mappings import MAPPINGS
from interaction_pipeline.sources.stripe import StripeClient
from interaction_pipeline.sources.sync import sync_collection
from interaction_pipeline.sources.zendesk import ZendeskClient
from interaction_pipeline.warehouse.object_store import apply_batch, ensure_object_table

TARGET = ">= 5,000 objects/s"


def stripe_customers(count: int) -> list[dict]:
    return [
        {
            "id": f"cus_bench{i:08d}",
            "object": "customer",
            "created": 1_700_000_000 + i,
            "email": f"person{i}@example.com",
            "name": f"Person {i}",
            "phone": None,
            "currency": "usd",
            "balance": 0,
            "delinquent": False,
            "livemode": False,
            "address": {"country": "US"},
            "metadata": {"user_id": f"u{i:08d}"},
            "invoice_prefix": f"B{i:07d}",
            "preferred_locales": [],
        }
        for i in range(count)
    ]


def _iso_seconds_after(start: int, seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + seconds))


def zendesk_tickets(count: int) -> list[dict]:
    return [
        {
            "id": i,
            "url": f"https://example.zendesk.com/api/v2/tickets/{i}.json",
            "type": "question",
            "subject": f"Question {i}",
            "description": "Where is my order?",
            "priority": "normal",
            "status": ("open", "pending", "solved")[i % 3],
            "requester_id": 10_000_000 + i,
            "organization_id": None,
            "tags": ["web"],
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": _iso_seconds_after(1_767_225_600, i),
        }
        for i in range(1, count + 1)
    ]


def serve(port: int, count: int) -> None:
    """Entry point of the sandbox process: seed and serve until killed."""
    from interaction_pipeline.sandbox.faults import Faults
    from interaction_pipeline.sandbox.server import build_server
    from interaction_pipeline.sandbox.state import SandboxState

    state = SandboxState()
    server = build_server(state, Faults(), "127.0.0.1", port)
    state.vendors["stripe"].seed("customers", stripe_customers(count))
    state.vendors["zendesk"].seed("tickets", zendesk_tickets(count))
    server.run()


def _start_sandbox(count: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    code = f"from benchmarks.bench_sources import serve; serve({port}, {count})"
    process = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"{url}/_sandbox/health", timeout=1)
            return process, url
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("benchmark sandbox did not start")


def _sync_rows(conn, source: str, collection: str, client, count: int) -> list[dict]:
    report = sync_collection(conn, source, collection, client, "sandbox")
    assert report.written == count, report
    name = f"sync {source}/{collection}"
    other = report.seconds - report.http_seconds - report.store_seconds

    def share(seconds: float) -> float:
        return 100 * seconds / report.seconds

    return [
        {
            "benchmark": name,
            "figure": f"objects/s ({count:,} objects)",
            "value": report.written / report.seconds,
            "unit": "objects/s",
            "target": TARGET,
        },
        {
            "benchmark": name,
            "figure": "time waiting on HTTP",
            "value": share(report.http_seconds),
            "unit": "%",
        },
        {
            "benchmark": name,
            "figure": "time writing DuckDB (upserts, cursors)",
            "value": share(report.store_seconds),
            "unit": "%",
        },
        {
            "benchmark": name,
            "figure": "time in our other code (JSON parsing, paging)",
            "value": share(other),
            "unit": "%",
        },
    ]


def _store_rows(count: int) -> list[dict]:
    mapping = MAPPINGS["stripe/customers"]
    objects = stripe_customers(count)
    conn = duckdb.connect()
    ensure_object_table(conn, mapping.table)
    started = time.perf_counter()
    for start in range(0, count, 100):
        apply_batch(
            conn,
            mapping.table,
            mapping.expressions,
            objects[start : start + 100],
            [False] * 100,
            {"page": start},
        )
    bulk = count / (time.perf_counter() - started)
    conn.execute(f"delete from {mapping.table.table}")
    import orjson

    rows = [(o["id"], o["email"], o["name"], orjson.dumps(o).decode(), False) for o in objects]
    started = time.perf_counter()
    for start in range(0, count, 100):
        conn.executemany(
            f"insert or replace into {mapping.table.table} (id, email, name, data, is_deleted) "
            "values (?, ?, ?, ?, ?)",
            rows[start : start + 100],
        )
    row_by_row = count / (time.perf_counter() - started)
    return [
        {
            "benchmark": "upsert stripe/customers",
            "figure": "bulk upsert, 100 per batch",
            "value": bulk,
            "unit": "objects/s",
            "baseline": row_by_row,
            "target": "faster than executemany",
        }
    ]


def run(quick: bool) -> list[dict]:
    count = 5_000 if quick else 100_000
    process, url = _start_sandbox(count)
    http = HttpSettings(attempts=3, backoff=0.1)
    try:
        with tempfile.TemporaryDirectory() as folder:
            conn = duckdb.connect(str(Path(folder) / "bench.duckdb"))
            from interaction_pipeline.sandbox.state import (
                SANDBOX_STRIPE_KEY,
                SANDBOX_ZENDESK_EMAIL,
                SANDBOX_ZENDESK_TOKEN,
            )

            stripe = StripeClient(f"{url}/stripe", SANDBOX_STRIPE_KEY, http)
            zendesk = ZendeskClient(f"{url}/zendesk", SANDBOX_ZENDESK_EMAIL, SANDBOX_ZENDESK_TOKEN, 0, http)
            rows = _sync_rows(conn, "stripe", "customers", stripe, count)
            rows += _sync_rows(conn, "zendesk", "tickets", zendesk, count)
            conn.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    return rows + _store_rows(2_000 if quick else 20_000)
