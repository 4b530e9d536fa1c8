"""One real `dbt build` of the fixture warehouse, shared by every test in this folder."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from fixtures.warehouse_fixture import AS_OF, create_warehouse

from interaction_pipeline import settings
from interaction_pipeline.defs.transform.project import DBT_EXECUTABLE


@dataclass(frozen=True)
class BuiltWarehouse:
    path: Path
    target: Path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path)) as con:
            return con.sql(sql).fetchall()

    def run_results(self) -> list[dict]:
        return json.loads((self.target / "run_results.json").read_text())["results"]

    def manifest(self) -> dict:
        return json.loads((self.target / "manifest.json").read_text())


def run_dbt(
    args: list[str], *, warehouse: Path, target: Path, project: Path = settings.DBT_PROJECT_DIR, **extra_vars
) -> subprocess.CompletedProcess:
    """dbt as a user runs it, against `warehouse`, with windows pinned to the fixture's as_of date."""
    variables = {"warehouse_path": str(warehouse), "as_of": AS_OF.isoformat(), **extra_vars}
    command = [
        DBT_EXECUTABLE, *args,
        "--project-dir", str(project), "--profiles-dir", str(project),
        "--target-path", str(target), "--vars", json.dumps(variables),
    ]  # fmt: skip
    environment = {**settings.child_environment(), "DBT_LOG_PATH": str(target / "logs")}
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600)


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> BuiltWarehouse:
    root = tmp_path_factory.mktemp("dbt_build")
    warehouse = create_warehouse(root / "warehouse.duckdb")
    result = run_dbt(["build"], warehouse=warehouse, target=root / "target")
    assert result.returncode == 0, result.stdout[-4000:]
    return BuiltWarehouse(path=warehouse, target=root / "target")
