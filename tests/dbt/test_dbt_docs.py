"""docs/dbt.md tells the truth: its example audience builds, and source freshness works."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime

import duckdb
import pytest
from conftest import BuiltWarehouse, run_dbt
from fixtures.warehouse_fixture import insert_messages

from interaction_pipeline import settings

pytestmark = pytest.mark.slow

DOC = settings.PROJECT_ROOT / "docs" / "dbt.md"


def _code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_documented_example_audience_builds_and_follows_the_contract(
    built_warehouse: BuiltWarehouse, tmp_path
):
    project = tmp_path / "dbt_project"
    shutil.copytree(settings.DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    [sql] = _code_blocks("sql")
    [yaml_block] = _code_blocks("yaml")
    audiences = project / "models" / "marts" / "audiences"
    (audiences / "aud_nps_promoters.sql").write_text(sql)
    models_yml = audiences / "_audiences__models.yml"
    models_yml.write_text(models_yml.read_text() + yaml_block)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.path, warehouse)

    result = run_dbt(
        ["build", "--select", "aud_nps_promoters"],
        project=project,
        warehouse=warehouse,
        target=tmp_path / "target",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    # An audience inherits its folder's config: incremental, written as the rows that changed.
    created = "OK created sql incremental model audiences.aud_nps_promoters"
    assert created in result.stdout, result.stdout[-3000:]
    with duckdb.connect(str(warehouse)) as con:
        members = con.execute("select email from audiences.aud_nps_promoters").fetchall()
    assert members == []  # alice answered 9 but has an open ticket: suppressed
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    node = manifest["nodes"]["model.interaction_pipeline.aud_nps_promoters"]
    config = node["config"]
    assert config["meta"]["audience"]["destinations"]["file"] == {"format": "csv"}
    assert (config["incremental_strategy"], config["unique_key"]) == ("changed_rows", "profile_id")


def test_source_freshness_reads_received_at_on_raw_events(built_warehouse: BuiltWarehouse, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.path, warehouse)
    now = datetime.now(UTC).replace(tzinfo=None)
    with duckdb.connect(str(warehouse)) as con:
        insert_messages(
            con, [{"event": "Email Opened", "user_id": "u_alice", "timestamp": now}], loaded_at=now
        )
    result = run_dbt(["source", "freshness"], warehouse=warehouse, target=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-3000:]
    sources = json.loads((tmp_path / "target" / "sources.json").read_text())["results"]
    status = {r["unique_id"].split(".")[-1]: r["status"] for r in sources}
    assert status == {"messages": "pass", "rejects": "warn"}  # the fixture's rejects are a month old
