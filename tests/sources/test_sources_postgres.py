"""Object syncs into a Postgres warehouse: the same rows, typed columns and cursors as into DuckDB."""

from __future__ import annotations

import pytest
from sources_helpers import ALL_COLLECTIONS, FAST_HTTP, assert_table_matches_sandbox, make_changes, populate

from interaction_pipeline.sources.sync import parse_targets, sync_targets
from interaction_pipeline.warehouse.engine import Warehouse, relation_columns

pytestmark = pytest.mark.slow


def typed_rows(conn, source: str, collection: str) -> list[tuple]:
    """Every typed column (not the JSON document, not the sync time), ordered by id."""
    columns = [
        name
        for name in relation_columns(conn, f"raw_{source}.{collection}")
        if name not in ("data", "_synced_at")
    ]
    return conn.execute(f"select {', '.join(columns)} from raw_{source}.{collection} order by id").fetchall()


def test_a_full_and_an_incremental_sync_into_postgres_fill_the_same_typed_columns_as_duckdb(
    sandbox, postgres_url, tmp_path
):
    populate(sandbox.state, 12)
    with (
        Warehouse(url=postgres_url).connect() as postgres,
        Warehouse(path=tmp_path / "w.duckdb").connect() as duck,
    ):
        for round_ in ("full", "incremental"):
            if round_ == "incremental":
                make_changes(sandbox.state)
            for conn in (postgres, duck):
                outcomes = sync_targets(conn, parse_targets(None), http_settings=FAST_HTTP)
                assert [outcome.error for outcome in outcomes] == [None] * len(ALL_COLLECTIONS)
                assert {outcome.report.mode for outcome in outcomes} == {round_}
            for source, collection in ALL_COLLECTIONS:
                assert_table_matches_sandbox(postgres, sandbox.state, source, collection)
                assert typed_rows(postgres, source, collection) == typed_rows(duck, source, collection), (
                    f"{source}/{collection} after the {round_} sync"
                )
        again = sync_targets(postgres, parse_targets(None), http_settings=FAST_HTTP)
    assert sum(outcome.report.records for outcome in again) == 0
