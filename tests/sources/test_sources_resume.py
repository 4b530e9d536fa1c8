"""A sync killed midway leaves rows and cursor agreeing; the rerun ends in the same state, without gaps."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import duckdb
import pytest
from sources_helpers import FAST_HTTP, assert_table_matches_sandbox, cursors

from interaction_pipeline import settings
from interaction_pipeline.sandbox.salesforce.store import format_stamp
from interaction_pipeline.sources.endpoints import build_client, configured_endpoint
from interaction_pipeline.sources.sync import sync_collection
from interaction_pipeline.warehouse import object_store

pytestmark = pytest.mark.slow


class Killed(Exception):
    pass


def kill_after(pages: int):
    def progress(report) -> None:
        if report.pages >= pages:
            raise Killed(f"stopped after {pages} pages")

    return progress


def run(warehouse, source: str, collection: str, progress=None):
    client = build_client(configured_endpoint(source), FAST_HTTP)
    kwargs = {"progress": progress} if progress else {}
    return sync_collection(warehouse, source, collection, client, "sandbox", **kwargs)


def seed_everything(state) -> None:
    state.vendors["stripe"].seed(
        "customers",
        [
            {
                "id": f"cus_{i:05d}",
                "object": "customer",
                "created": 1_700_000_000 + i,
                "email": f"p{i}@example.com",
            }
            for i in range(1_050)
        ],
    )
    state.vendors["zendesk"].seed(
        "tickets",
        [
            {
                "id": i,
                "status": "open",
                "created_at": "2026-01-01T00:00:00Z",
                "updated_at": f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z",
            }
            for i in range(1, 3_001)
        ],
    )
    state.vendors["zendesk"].seed(
        "organizations",
        [
            {
                "id": i,
                "name": f"Org {i}",
                "created_at": "2026-01-01T00:00:00Z",
                "updated_at": f"2026-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
            }
            for i in range(1, 2_501)
        ],
    )
    # Seven records share each SystemModstamp: batch boundaries (every 2,000) split a group of equal stamps.
    stamps = [format_stamp(1_790_000_000_000 + i // 7) for i in range(4_500)]
    state.vendors["salesforce"].seed(
        "Account",
        [
            {
                "attributes": {"type": "Account"},
                "Id": f"001{i:015d}",
                "IsDeleted": False,
                "CreatedDate": stamp,
                "LastModifiedDate": stamp,
                "SystemModstamp": stamp,
                "Name": f"Account {i}",
            }
            for i, stamp in enumerate(stamps)
        ],
    )


@pytest.mark.parametrize(
    ("source", "collection", "native", "pages_before_kill"),
    [
        ("stripe", "customers", "customers", 4),
        ("zendesk", "tickets", "tickets", 2),
        ("zendesk", "organizations", "organizations", 1),
        ("salesforce", "accounts", "Account", 1),
    ],
)
def test_a_sync_killed_midway_resumes_to_the_same_state(
    sandbox, warehouse, source, collection, native, pages_before_kill
):
    seed_everything(sandbox.state)
    total = len(sandbox.state.vendors[source].list_objects(native))

    with pytest.raises(Killed):
        run(warehouse, source, collection, kill_after(pages_before_kill))
    stored = warehouse.execute(f"select count(*) from raw_{source}.{collection}").fetchone()[0]
    assert 0 < stored < total
    resumed = run(warehouse, source, collection)

    assert_table_matches_sandbox(warehouse, sandbox.state, source, collection)
    if collection == "organizations":
        # Time-based pages start at the previous page's last second: that second's object comes again.
        assert total - stored < resumed.records <= total - stored + resumed.pages
    elif source == "salesforce":
        # The checkpoint stops before a stamp split across batches: only that stamp's records are read again.
        assert total - stored <= resumed.records <= total - stored + 7
    else:
        assert resumed.records == total - stored
    assert resumed.mode in ("full (resumed)", "incremental")


def test_a_failure_between_rows_and_cursor_rolls_back_both(sandbox, warehouse, monkeypatch):
    seed_everything(sandbox.state)
    real_write_cursor = object_store.write_cursor
    calls = []

    def failing_write_cursor(conn, table, cursor):
        calls.append(cursor)
        if len(calls) == 2:
            raise Killed("crash inside the transaction")
        real_write_cursor(conn, table, cursor)

    monkeypatch.setattr(object_store, "write_cursor", failing_write_cursor)
    with pytest.raises(Killed):
        run(warehouse, "stripe", "customers")

    # The first thousand (one commit) are stored with their cursor; the second batch rolled back entirely.
    assert warehouse.execute("select count(*) from raw_stripe.customers").fetchone()[0] == 1_000
    assert cursors(warehouse)[("stripe", "customers")]["starting_after"] == "cus_00050"
    monkeypatch.setattr(object_store, "write_cursor", real_write_cursor)
    run(warehouse, "stripe", "customers")
    assert_table_matches_sandbox(warehouse, sandbox.state, "stripe", "customers")


def test_a_sync_process_killed_hard_resumes_to_the_same_state(sandbox, warehouse, tmp_path):
    sandbox.state.vendors["stripe"].seed(
        "customers",
        [
            {
                "id": f"cus_{i:06d}",
                "object": "customer",
                "created": 1_700_000_000 + i,
                "email": f"p{i}@example.com",
            }
            for i in range(20_000)
        ],
    )
    # Slow every page a little so the kill lands mid-sync.
    sandbox.control(
        "PUT",
        "/faults",
        {"rules": {"/stripe/v1/customers": {"rate": 0.05, "kinds": ["503"], "retry_after": 0}}},
    )
    database = tmp_path / "killed.duckdb"
    environment = {**settings.child_environment(), "INTERACTION_PIPELINE_WAREHOUSE": str(database)}
    process = subprocess.Popen(
        [sys.executable, "-m", "interaction_pipeline.cli", "sources", "sync", "stripe/customers"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while sandbox.state.requests["/stripe/v1/customers"] < 60 and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    sandbox.control("DELETE", "/faults")

    conn = duckdb.connect(str(database))
    stored = conn.execute("select count(*) from raw_stripe.customers").fetchone()[0]
    assert 0 < stored < 20_000
    resumed = run(conn, "stripe", "customers")
    assert resumed.mode == "full (resumed)" and resumed.records == 20_000 - stored
    assert_table_matches_sandbox(conn, sandbox.state, "stripe", "customers")


def test_a_resumed_backfill_whose_last_object_was_deleted_starts_over_and_converges(sandbox, warehouse):
    seed_everything(sandbox.state)
    with pytest.raises(Killed):
        run(warehouse, "stripe", "customers", kill_after(1))
    last_stored = cursors(warehouse)[("stripe", "customers")]["starting_after"]
    sandbox.state.vendors["stripe"].delete("customers", last_stored)

    resumed = run(warehouse, "stripe", "customers")

    assert resumed.mode == "full (resumed)"
    assert_table_matches_sandbox(warehouse, sandbox.state, "stripe", "customers")
