"""A copy of the fixture dbt project, a destination sandbox on loopback, and the product pointed at both."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interaction_pipeline.sandbox.destination_apps import destinations_app, serve_in_thread

FIXTURE_PROJECT = Path(__file__).parent / "fixtures" / "dbt_audiences"


@pytest.fixture
def activation_env(pipeline_home, tmp_path, monkeypatch):
    """(dbt project dir, sandbox URL, warehouse path) with the environment pointing at them."""
    project = tmp_path / "dbt_audiences"
    shutil.copytree(FIXTURE_PROJECT, project, ignore=shutil.ignore_patterns("target", "logs"))
    warehouse = pipeline_home / "warehouse.duckdb"
    monkeypatch.setenv("INTERACTION_PIPELINE_WAREHOUSE", str(warehouse))
    with serve_in_thread(destinations_app()) as url:
        monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", url)
        yield project, url, warehouse
