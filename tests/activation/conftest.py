"""A copy of the fixture dbt project, the sandbox on loopback, and the product pointed at both."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interaction_pipeline.sandbox.server import run_sandbox

FIXTURE_PROJECT = Path(__file__).parent / "fixtures" / "dbt_audiences"


@pytest.fixture
def activation_env(pipeline_home, tmp_path, monkeypatch):
    """(dbt project dir, sandbox URL, warehouse path) with the environment pointing at them."""
    project = tmp_path / "dbt_audiences"
    shutil.copytree(FIXTURE_PROJECT, project, ignore=shutil.ignore_patterns("target", "logs"))
    warehouse = pipeline_home / "warehouse.duckdb"
    monkeypatch.setenv("INTERACTION_PIPELINE_WAREHOUSE", str(warehouse))
    with run_sandbox() as sandbox:
        monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", sandbox.url)
        yield project, sandbox.url, warehouse
