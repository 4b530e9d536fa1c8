"""Every query and command in docs/loading.md runs against a loaded warehouse."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from interaction_pipeline import settings
from interaction_pipeline.warehouse.spool_loader import load_spool

DOC = settings.PROJECT_ROOT / "docs" / "loading.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def write_spool(spool: Path) -> None:
    for kind, line in (
        (
            "events",
            {
                "type": "track",
                "event": "Email Opened",
                "messageId": "m1",
                "receivedAt": "2026-11-29T10:00:00Z",
                "_source": {"name": "braze-prod", "kind": "braze"},
            },
        ),
        (
            "rejects",
            {
                "receivedAt": "2026-11-29T10:00:00Z",
                "code": "invalid_json",
                "reason": "not JSON",
                "path": "/v1/track",
                "_source": None,
                "raw": "{",
                "rawEncoding": "utf-8",
            },
        ),
    ):
        folder = spool / kind / "2026-11-29"
        folder.mkdir(parents=True)
        (folder / "20261129T100000000000Z-aaaaaaaa.ndjson").write_text(json.dumps(line) + "\n")


def loaded_warehouse(directory: Path) -> Path:
    spool = directory / "spool"
    write_spool(spool)
    database = directory / "data" / "warehouse.duckdb"
    database.parent.mkdir()
    with duckdb.connect(str(database)) as conn:
        load_spool(conn, spool)
    return database


def test_every_sql_query_in_the_loading_docs_runs(tmp_path):
    queries = blocks("sql")
    assert len(queries) >= 4
    with duckdb.connect(str(loaded_warehouse(tmp_path)), read_only=True) as conn:
        for query in queries:
            conn.execute(query).fetchall()


def test_the_python_one_liner_in_the_loading_docs_prints_sources(tmp_path):
    loaded_warehouse(tmp_path)
    (one_liner,) = [
        line for block in blocks("bash") for line in block.splitlines() if "import duckdb" in line
    ]
    command = one_liner.replace(".venv/bin/python", sys.executable)
    output = subprocess.run(
        command, shell=True, cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert "braze-prod" in output


@pytest.mark.slow
def test_the_documented_manual_load_loads_the_spool(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("INTERACTION_PIPELINE_HOME", str(home))
    monkeypatch.delenv("INTERACTION_PIPELINE_WAREHOUSE", raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    write_spool(home / "spool")
    (script,) = [block for block in blocks("bash") if "dagster job execute" in block]
    script = script.replace(".venv/bin/", str(Path(sys.executable).parent) + "/")

    result = subprocess.run(
        ["bash", "-ec", script], cwd=settings.PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as conn:
        assert conn.execute("select message_id from raw_events.messages").fetchall() == [("m1",)]
    assert (home / "dagster" / "dagster.yaml").exists()
