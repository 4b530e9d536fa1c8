"""The dbt project stays portable and documented: sqlfluff finds nothing, docs generate, everything is
described."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BuiltWarehouse, run_dbt

from interaction_pipeline import settings

pytestmark = pytest.mark.slow

SQLFLUFF = str(Path(sys.executable).parent / "sqlfluff")


def test_sqlfluff_with_the_dbt_templater_finds_nothing(built_warehouse: BuiltWarehouse):
    result = subprocess.run(
        [SQLFLUFF, "lint", "dbt_project/models", "--format", "json", "--nofail"],
        cwd=settings.PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**settings.child_environment(), "INTERACTION_PIPELINE_WAREHOUSE": str(built_warehouse.path)},
        timeout=600,
    )
    files = json.loads(result.stdout)
    assert len(files) >= 40
    violations = [
        f"{item['filepath']}:{v['start_line_no']} {v['code']} {v['description']}"
        for item in files
        for v in item["violations"]
    ]
    assert violations == []


def test_docs_generate_describes_every_model_and_column(built_warehouse: BuiltWarehouse, tmp_path):
    result = run_dbt(["docs", "generate"], warehouse=built_warehouse.path, target=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-3000:]
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    models = {key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    assert len(models) >= 40 and set(models) <= set(catalog["nodes"])
    undescribed = [node["name"] for node in models.values() if not node["description"].strip()]
    assert undescribed == []
    missing_columns = [
        f"{node['name']}.{column.lower()}"
        for key, node in models.items()
        for column in catalog["nodes"][key]["columns"]
        if not node["columns"].get(column.lower(), {}).get("description", "").strip()
    ]
    assert missing_columns == []
