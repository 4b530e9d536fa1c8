"""The dbt project on Postgres builds what it builds on DuckDB, row for row, from the same raw data: after a
first load (a full build, dbt's tests and unit tests included) and after a second load built incrementally."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pytest
from engine_helpers import copy_raw_tables, differences, run_dbt, snapshot
from fixtures.warehouse_fixture import AS_OF, create_warehouse, insert_messages
from fixtures.warehouse_story import UA_IPHONE, _at, _braze, _identify, _page, _track

from interaction_pipeline.warehouse.postgres import PostgresConnection

pytestmark = pytest.mark.slow

FIRST_LOAD = datetime.combine(AS_OF, datetime.min.time()) - timedelta(hours=1)
SECOND_LOAD = FIRST_LOAD + timedelta(minutes=30)


def second_load() -> list[dict]:
    """Events on campaigns, days and profiles that already have rows, and a visitor who signs in."""
    return [
        _braze("Email Opened", "u_bob", "bob@example.com", _at(AS_OF, 1, 10), variation="var_b",
               user_agent=UA_IPHONE),
        _braze("Email Link Clicked", "u_alice", "alice@example.com", _at(AS_OF, 1, 11)),
        _track("Survey Question Answered", _at(AS_OF, 1), "delighted", user="u_alice", survey_id="nps_q4",
               survey_type="NPS", survey_name="Q4 NPS", score=3),
        _track("Order Completed", _at(AS_OF, 2), "website", anonymous="anon-newcomer", order_id="o-new",
               revenue=42.5, currency="usd"),
        _page(_at(AS_OF, 2, 13), anonymous="anon-newcomer"),
        _identify(_at(AS_OF, 1, 14), user="u_newcomer", anonymous="anon-newcomer", email="new@example.com"),
    ]  # fmt: skip


def test_postgres_builds_the_same_tables_as_duckdb_after_a_first_and_an_incremental_load(
    postgres_url, tmp_path
):
    duckdb_env = {"INTERACTION_PIPELINE_WAREHOUSE_URL": ""}
    postgres_env = {"INTERACTION_PIPELINE_WAREHOUSE_URL": postgres_url}
    path = create_warehouse(tmp_path / "warehouse.duckdb")
    variables = {"warehouse_path": str(path), "as_of": AS_OF.isoformat()}
    with duckdb.connect(str(path)) as duck, PostgresConnection(postgres_url) as postgres:
        copy_raw_tables(duck, postgres)
    run_dbt(["build"], target=tmp_path / "duckdb", env=duckdb_env, **variables)
    run_dbt(["build"], target=tmp_path / "postgres", env=postgres_env, **variables)
    with duckdb.connect(str(path)) as duck, PostgresConnection(postgres_url) as postgres:
        first = snapshot(duck)
        assert not differences(first, snapshot(postgres))
        insert_messages(duck, second_load(), loaded_at=SECOND_LOAD)
        loaded = f"where _loaded_at = '{SECOND_LOAD.isoformat(sep=' ')}'"
        copy_raw_tables(duck, postgres, schemas=["raw_events"], where=loaded)
    run_dbt(["run"], target=tmp_path / "duckdb", env=duckdb_env, **variables)
    run_dbt(["run"], target=tmp_path / "postgres", env=postgres_env, **variables)
    with duckdb.connect(str(path)) as duck, PostgresConnection(postgres_url) as postgres:
        second = snapshot(duck)
        assert not differences(second, snapshot(postgres))
    assert second != first, "the second load changed nothing: it proves nothing about incremental runs"
    assert {"marts.fct_email_campaign_funnel", "audiences.aud_reengagement"} <= second.keys()
