"""A real loopback server with the destination stand-ins, and a warehouse holding a small audience."""

from __future__ import annotations

import duckdb
import pytest
import requests

from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget
from interaction_pipeline.sandbox.destination_apps import destinations_app, serve_in_thread


@pytest.fixture(scope="module")
def sandbox_url():
    with serve_in_thread(destinations_app()) as url:
        yield url


@pytest.fixture(autouse=True)
def clear_sandbox_faults(request):
    yield
    if "sandbox_url" in request.fixturenames:
        url = request.getfixturevalue("sandbox_url")
        for prefix in ("meta", "google-ads", "braze", "webhook"):
            requests.delete(f"{url}/{prefix}/_sandbox/faults", timeout=5)


def member(i: int) -> dict:
    return {
        "profile_id": f"p{i:05d}",
        "email": f" Person.{i}@Example.com ",
        "phone": f"(415) 555-{i % 10000:04d}" if i % 3 else None,
        "user_id": f"u{i}",
        "country": "US",
    }


def write_audience(conn: duckdb.DuckDBPyConnection, name: str, members: list[dict]) -> None:
    conn.execute("create schema if not exists audiences")
    conn.execute(
        f"create or replace table audiences.{name} (profile_id varchar, email varchar, phone varchar, "
        "user_id varchar, country varchar)"
    )
    conn.executemany(
        f"insert into audiences.{name} values (?, ?, ?, ?, ?)",
        [[m["profile_id"], m["email"], m["phone"], m["user_id"], m["country"]] for m in members],
    )


@pytest.fixture
def warehouse(pipeline_home):
    conn = duckdb.connect(str(pipeline_home / "warehouse.duckdb"))
    write_audience(conn, "aud_test", [member(i) for i in range(150)])
    yield conn
    conn.close()


def make_target(destination: str, options: dict | None = None, **audience) -> SyncTarget:
    spec = AudienceSpec(
        name=audience.pop("name", "test"),
        model="aud_test",
        relation=audience.pop("relation", '"audiences"."aud_test"'),
        purpose=audience.pop("purpose", "marketing"),
        identifiers=audience.pop("identifiers", ["email", "phone"]),
        destinations={destination: options or {}},
        **audience,
    )
    return SyncTarget(audience=spec, destination=destination, options=options or {})
