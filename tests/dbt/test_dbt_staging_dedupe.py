"""stg_events__messages deduplicates per source, like the loader: one source reusing another source's
messageIds does not hide its messages, in a full build or an incremental one."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
from conftest import run_dbt
from fixtures.warehouse_fixture import create_raw_tables, insert_messages

pytestmark = pytest.mark.slow

FIRST_LOAD = datetime(2026, 10, 30, 12, 0)
SECOND_LOAD = datetime(2026, 10, 31, 12, 0)


def _message(message_id: str, source: str, received: int) -> dict:
    return {
        "message_id": message_id,
        "event": "Email Opened",
        "user_id": "u-1",
        "source_name": source,
        "source_kind": "braze" if source == "braze-prod" else "website",
        "timestamp": datetime(2026, 10, 30, 10, received),
        "received_at": datetime(2026, 10, 30, 10, received),
    }


def _staged(path) -> list[tuple]:
    with duckdb.connect(str(path)) as con:
        return con.sql(
            "select source_name, message_id, received_at from staging.stg_events__messages order by all"
        ).fetchall()


def test_messages_are_deduplicated_per_source_in_full_and_incremental_builds(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        create_raw_tables(con, message_primary_key=False)
        copies = [_message("m-1", "braze-prod", 1), _message("m-1", "braze-prod", 2)]
        insert_messages(con, [*copies, _message("m-1", "shop", 3)], loaded_at=FIRST_LOAD)
    build = ["build", "--select", "stg_events__messages"]
    result = run_dbt(build, warehouse=warehouse, target=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-3000:]
    assert _staged(warehouse) == [
        ("braze-prod", "m-1", datetime(2026, 10, 30, 10, 1)),  # the first copy received wins
        ("shop", "m-1", datetime(2026, 10, 30, 10, 3)),
    ]

    with duckdb.connect(str(warehouse)) as con:
        insert_messages(con, [_message("m-1", "shop", 4), _message("m-2", "shop", 5)], loaded_at=SECOND_LOAD)
    result = run_dbt(build, warehouse=warehouse, target=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-3000:]
    assert [(source, message_id) for source, message_id, _ in _staged(warehouse)] == [
        ("braze-prod", "m-1"),
        ("shop", "m-1"),
        ("shop", "m-2"),
    ]
