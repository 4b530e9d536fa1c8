"""Audience rows, audience tables and sync targets shared by the destination tests."""

from __future__ import annotations

import duckdb

from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget


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
