"""`interaction-pipeline audiences history NAME`: one row per sync run, newest first, with what it changed
and why it stopped."""

from __future__ import annotations

import duckdb
from click.testing import CliRunner
from test_destinations_commands import audiences_command, write_promo

from interaction_pipeline.cli import main
from interaction_pipeline.destinations.history import sync_runs


def test_history_shows_one_row_per_run_with_its_changes_and_the_reason_a_guard_refused(pipeline_home):
    warehouse = pipeline_home / "warehouse.duckdb"
    write_promo(warehouse, [f"p{i}@x.com" for i in range(10)])
    assert audiences_command("sync", "promo", "-d", "file").exit_code == 0
    write_promo(warehouse, ["p0@x.com"])
    assert audiences_command("sync", "promo", "-d", "file").exit_code == 1  # 9 of 10 would leave
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        blocked, completed = sync_runs(conn, "promo")
    assert (completed.status, completed.added, completed.removed, completed.members) == (
        "completed",
        10,
        0,
        10,
    )
    assert completed.account == str(pipeline_home / "exports" / "audiences")
    assert blocked.status == "blocked" and blocked.reason.startswith("sync would remove 9 of 10 confirmed")

    lines = history("promo").output.splitlines()
    assert lines[1].split() == ["when", "(UTC)", "destination", "status", *FIGURES]
    runs = [line.split()[2:] for line in lines if line.startswith("20")]
    assert runs == [
        ["file", "blocked", "1", "0", "0", "0", "0"],
        ["file", "completed", "10", "10", "0", "0", "0"],
    ]
    assert all(len(line) <= 80 for line in lines)  # an 80-column terminal shows each run on its line
    assert "sync would remove 9 of 10 confirmed members of promo from file" in " ".join(lines)


def test_history_of_an_audience_never_synced_says_so(pipeline_home):
    write_promo(pipeline_home / "warehouse.duckdb", ["a@x.com"])
    shown = history("hold")
    assert shown.exit_code == 0 and shown.output.strip() == "no sync of hold yet"


FIGURES = ["members", "added", "removed", "failed", "unmatched"]


def history(*arguments: str):
    return CliRunner(env={"COLUMNS": "80"}).invoke(main, ["audiences", "history", *arguments])
