"""The dbt project stays portable and documented: sqlfluff finds nothing, docs generate, everything is
described."""

from __future__ import annotations

import json
import re
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


def _signature(macro_sql: str) -> list[str]:
    """Argument names of `{% macro name(a, b=default) %}`."""
    arguments = re.match(r"\{%-?\s*macro\s+\w+\((.*?)\)\s*-?%\}", macro_sql, flags=re.S).group(1)
    return [part.split("=")[0].strip() for part in arguments.split(",") if part.strip()]


def test_every_macro_is_described_with_its_arguments(built_warehouse: BuiltWarehouse):
    macros = [
        macro
        for macro in built_warehouse.manifest()["macros"].values()
        if macro["package_name"] == "interaction_pipeline"
    ]
    assert len(macros) >= 40
    undescribed = [macro["name"] for macro in macros if not macro["description"].strip()]
    assert undescribed == []
    documented = {macro["name"]: [argument["name"] for argument in macro["arguments"]] for macro in macros}
    defined = {macro["name"]: _signature(macro["macro_sql"]) for macro in macros}
    assert documented == defined
    untyped = [
        f"{macro['name']}.{argument['name']}"
        for macro in macros
        for argument in macro["arguments"]
        if not (argument["type"] and argument["description"])
    ]
    assert untyped == []


def test_every_relation_and_unit_test_name_fits_a_postgres_identifier(built_warehouse: BuiltWarehouse):
    # Postgres refuses (unit tests) or truncates (relations) names longer than 63 bytes; Redshift's limit is
    # 127, Snowflake's and BigQuery's higher. Unit tests are built as relations named after the test.
    manifest = built_warehouse.manifest()
    nodes = [*manifest["nodes"].values(), *manifest.get("unit_tests", {}).values()]
    names = {node.get("alias") or node["name"] for node in nodes if node["resource_type"] != "test"}
    assert len(names) >= 50
    assert sorted(name for name in names if len(name.encode()) > 63) == []
