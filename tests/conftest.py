"""Shared fixtures: every test gets its own INTERACTION_PIPELINE_HOME."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest


@pytest.fixture
def pipeline_home(tmp_path, monkeypatch):
    """A fresh product home (spool, warehouse, registry, Dagster home) for one test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("INTERACTION_PIPELINE_HOME", str(home))
    monkeypatch.delenv("INTERACTION_PIPELINE_WAREHOUSE", raising=False)
    return home


# Postgres for the tests that run the product on it: the server `.ci/run` started (its URL in
# INTERACTION_PIPELINE_TEST_POSTGRES_URL), else a throwaway one started from the local PostgreSQL binaries.
# Where neither can be had the tests skip, except under CI, where they must run.
POSTGRES_URL_VARIABLE = "INTERACTION_PIPELINE_TEST_POSTGRES_URL"
POSTGRES_SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "postgres"


def _no_postgres(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"no PostgreSQL here: {reason}")


@pytest.fixture(scope="session")
def postgres_server():
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if url:
        yield url
        return
    started = subprocess.run([str(POSTGRES_SCRIPT), "start"], capture_output=True, text=True)
    if started.returncode != 0:
        _no_postgres(started.stderr.strip() or "the throwaway cluster did not start")
    url, folder = started.stdout.split()
    yield url
    subprocess.run([str(POSTGRES_SCRIPT), "stop", folder], check=False)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty database on the test server for one test; dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(postgres_server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"create database {name}")
    yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f"drop database if exists {name} with (force)")
    admin.close()
