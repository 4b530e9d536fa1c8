"""A copy of the fixture dbt project, the sandbox on loopback, and the product pointed at both."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest
from activation_helpers import KEYS

from interaction_pipeline.defs.activation.definitions import activation_definitions
from interaction_pipeline.defs.activation.resources import destination_resources
from interaction_pipeline.defs.resources import warehouse_resource
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


@pytest.fixture
def activation(pipeline_home, monkeypatch):
    """(home, sync assets of the fixture manifest, resources); nothing listens at the sandbox URL, so a
    request that should not happen fails the run."""
    monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", "http://127.0.0.1:9")
    defs = activation_definitions(KEYS)
    resources = {**destination_resources(), "warehouse": warehouse_resource()}
    assets = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition)]
    return pipeline_home, assets, resources
