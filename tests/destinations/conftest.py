"""The sandbox on a real loopback server, and a warehouse holding a small audience."""

from __future__ import annotations

import duckdb
import pytest
import requests
from destination_helpers import member, write_audience

from interaction_pipeline.sandbox.server import run_sandbox
from interaction_pipeline.warehouse.engine import Warehouse


@pytest.fixture(scope="module")
def sandbox_url():
    with run_sandbox() as sandbox:
        yield sandbox.url


@pytest.fixture(autouse=True)
def clear_sandbox_faults(request):
    yield
    if "sandbox_url" in request.fixturenames:
        url = request.getfixturevalue("sandbox_url")
        requests.delete(f"{url}/_sandbox/faults", timeout=5)


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request, pipeline_home):
    """A warehouse holding a 150-member audience: the embedded DuckDB file, and a Postgres database."""
    if request.param == "postgres":
        conn = Warehouse(url=request.getfixturevalue("postgres_url")).connect()
    else:
        conn = duckdb.connect(str(pipeline_home / "warehouse.duckdb"))
    write_audience(conn, "aud_test", [member(i) for i in range(150)])
    yield conn
    conn.close()
