"""Fixtures for the object-source tests: a live sandbox server and a warehouse file per test."""

from __future__ import annotations

import duckdb
import pytest

from interaction_pipeline.sandbox.server import run_sandbox

VENDOR_SETTINGS = [
    "STRIPE_API_KEY",
    "ZENDESK_SUBDOMAIN",
    "ZENDESK_EMAIL",
    "ZENDESK_API_TOKEN",
    "SALESFORCE_LOGIN_URL",
    "SALESFORCE_CLIENT_ID",
    "SALESFORCE_CLIENT_SECRET",
]


@pytest.fixture
def sandbox(monkeypatch, pipeline_home):
    """A running sandbox that every client points at (no vendor credentials set)."""
    for name in VENDOR_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    with run_sandbox(seed=7) as running:
        monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", running.url)
        yield running


@pytest.fixture
def warehouse(tmp_path):
    conn = duckdb.connect(str(tmp_path / "objects.duckdb"))
    yield conn
    conn.close()
