"""Incremental runs give the same warehouse as a full refresh after new events arrive."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import duckdb
import pytest
from conftest import BuiltWarehouse, run_dbt
from fixtures.warehouse_fixture import AS_OF, insert_messages

pytestmark = pytest.mark.slow

NOON = datetime.combine(AS_OF, datetime.min.time()) + timedelta(hours=12)


def _late_batch() -> list[dict]:
    braze = {"source_name": "braze-prod", "source_kind": "braze", "user_id": "u_quinn"}
    spring = {"campaign_id": "cmp_spring", "message_variation_id": "var_b"}
    quinn_delivered = NOON - timedelta(days=6, hours=4)
    return [
        # A prefetch two seconds after a delivery loaded in the earlier batch.
        {**braze, "event": "Email Opened", "timestamp": quinn_delivered + timedelta(seconds=2),
         "properties": spring},
        {**braze, "event": "Email Sent", "timestamp": NOON - timedelta(hours=3),
         "properties": {"campaign_id": "cmp_fall"}},
        # carol gets an anonymous id and visits: she leaves the re-engagement audience.
        {"type": "identify", "anonymous_id": "anon-carol", "source_name": "website", "source_kind": "website",
         "timestamp": NOON - timedelta(days=2), "traits": {"email": "carol@example.com"}},
        {"type": "page", "name": "Home", "anonymous_id": "anon-carol", "source_name": "website",
         "source_kind": "website", "timestamp": NOON - timedelta(days=2), "properties": {"path": "/"}},
        {"event": "Brand New Thing", "user_id": "u_bob", "source_name": "website", "source_kind": "website",
         "timestamp": NOON - timedelta(hours=1)},
    ]  # fmt: skip


def _snapshot(path) -> dict[str, list[tuple]]:
    """Every table dbt built (views are recomputed anyway), rows sorted, floats rounded."""
    with duckdb.connect(str(path)) as con:
        tables = con.sql(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('staging', 'intermediate', 'marts', 'audiences') "
            "and table_type = 'BASE TABLE'"
        ).fetchall()
        return {
            table: [
                tuple(round(v, 6) if isinstance(v, float) else v for v in row)
                for row in con.sql(f"select * from {table} order by all").fetchall()
            ]
            for (table,) in tables
        }


def test_incremental_run_after_new_events_equals_a_full_refresh(built_warehouse: BuiltWarehouse, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.path, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        insert_messages(con, _late_batch(), loaded_at=datetime.combine(AS_OF, datetime.min.time()))

    incremental = run_dbt(["run"], warehouse=warehouse, target=tmp_path / "target")
    assert incremental.returncode == 0, incremental.stdout[-3000:]
    after_incremental = _snapshot(warehouse)
    full = run_dbt(["run", "--full-refresh"], warehouse=warehouse, target=tmp_path / "target")
    assert full.returncode == 0, full.stdout[-3000:]
    after_full_refresh = _snapshot(warehouse)

    assert after_incremental.keys() == after_full_refresh.keys()
    for table, rows in after_full_refresh.items():
        assert after_incremental[table] == rows, table

    with duckdb.connect(str(warehouse)) as con:
        assert con.execute("select count(*) from intermediate.int_interaction_events").fetchone()[0] == 51 + 4
        spring = "select machine_opens from marts.fct_email_campaign_funnel where campaign_id = 'cmp_spring'"
        assert con.execute(spring).fetchone()[0] == 4
        assert con.execute("select count(*) from audiences.aud_reengagement").fetchone()[0] == 0
