"""Shared fixtures: every test gets its own INTERACTION_PIPELINE_HOME."""

from __future__ import annotations

import pytest


@pytest.fixture
def pipeline_home(tmp_path, monkeypatch):
    """A fresh product home (spool, warehouse, registry, Dagster home) for one test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("INTERACTION_PIPELINE_HOME", str(home))
    monkeypatch.delenv("INTERACTION_PIPELINE_WAREHOUSE", raising=False)
    return home
