"""A failure its user can fix is one line naming the cause and the fix, said once, never a traceback: half
a vendor's credentials, a warehouse another process holds, a sandbox that is not running. (A Dagster sync
with half its credentials: tests/activation/test_activation_resources.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from interaction_pipeline.cli import main

MANIFEST = str(Path(__file__).parent / "activation" / "fixtures" / "manifest.json")
HOLD_WAREHOUSE = (
    "import duckdb, sys, time; connection = duckdb.connect(sys.argv[1]); print('holding', flush=True); "
    "time.sleep(120)"
)


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


@pytest.fixture
def held_warehouse(pipeline_home):
    """The warehouse file, held open for writing by another process."""
    path = pipeline_home / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WAREHOUSE, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "holding"
    yield path, holder.pid
    holder.kill()
    holder.wait()


@pytest.mark.parametrize(
    "command",
    [["sources", "sync", "stripe"], ["report"], ["audiences", "list", "--manifest", MANIFEST]],
    ids=" ".join,
)
def test_a_warehouse_another_process_holds_is_one_line_naming_it(held_warehouse, command, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_unused")  # no sandbox needed: the warehouse fails first
    path, pid = held_warehouse
    line = one_line_error(CliRunner().invoke(main, command))
    assert line.startswith(f"Error: the warehouse {path} is in use by another process (process {pid}, python")
    assert line.endswith(
        "wait for that run or command to finish (a Dagster run of `make dev`, a sync, a demo) and try again"
    )


def test_a_sandbox_that_is_not_running_is_said_once_for_every_source(pipeline_home, monkeypatch):
    monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", "http://127.0.0.1:9")
    line = one_line_error(CliRunner().invoke(main, ["sources", "sync"]))
    assert line.startswith(
        "Error: stripe, zendesk, salesforce: no credentials are set, so they sync from the sandbox at "
        "http://127.0.0.1:9, which is not answering; start it with `interaction-pipeline sandbox`"
    )


def test_half_the_meta_credentials_is_one_line_on_the_command_line(pipeline_home, monkeypatch):
    monkeypatch.setenv("META_ACCESS_TOKEN", "EAAB-secret")
    with duckdb.connect(str(pipeline_home / "warehouse.duckdb")) as conn:
        conn.execute("create schema audiences")
        conn.execute("create table audiences.aud_promo as select 'p1' as profile_id, 'a@x.com' as email")
    result = CliRunner().invoke(main, ["audiences", "preview", "promo", "-d", "meta", "--manifest", MANIFEST])
    assert one_line_error(result) == (
        "Error: meta: META_ACCESS_TOKEN is set but META_AD_ACCOUNT_ID is not; set all of META_ACCESS_TOKEN, "
        "META_AD_ACCOUNT_ID (or none, to use the sandbox)"
    )
