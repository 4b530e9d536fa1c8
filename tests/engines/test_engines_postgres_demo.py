"""`interaction-pipeline demo` end to end on a Postgres warehouse: the collector's events are loaded with
COPY, the objects synced, dbt builds on Postgres, the audiences sync from state kept there, and what lands
equals the story's ground truth, as it does on DuckDB."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from interaction_pipeline import settings
from interaction_pipeline.warehouse.postgres import PostgresConnection

pytestmark = pytest.mark.slow
SIZE, SEED = 300, 7


@dataclass
class PostgresDemo:
    home: Path
    url: str
    output: str
    truth: dict

    def query(self, sql: str) -> list[tuple]:
        with PostgresConnection(self.url) as connection:
            return connection.execute(sql).fetchall()

    def run(self, *args: str) -> subprocess.CompletedProcess:
        environment = {**settings.child_environment(), "COLUMNS": "160"}
        return subprocess.run(
            [sys.executable, "-m", "interaction_pipeline.cli", *args],
            env=environment, capture_output=True, text=True, timeout=900, cwd=settings.PROJECT_ROOT,
        )  # fmt: skip


@pytest.fixture(scope="module")
def demo(postgres_server, tmp_path_factory):
    database = f"demo_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(postgres_server)
    admin.autocommit = True
    admin.cursor().execute(f"create database {database}")
    url = postgres_server.rsplit("/", 1)[0] + f"/{database}"
    home = tmp_path_factory.mktemp("postgres_demo") / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INTERACTION_PIPELINE_HOME", str(home))
        patch.setenv(settings.WAREHOUSE_URL_VARIABLE, url)
        patch.delenv("INTERACTION_PIPELINE_WAREHOUSE", raising=False)
        run = PostgresDemo(home, url, "", {})
        done = run.run("demo", "--size", str(SIZE), "--seed", str(SEED))
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
        run.output = done.stdout
        run.truth = json.loads((home / "demo" / "ground_truth.json").read_text())
        yield run
    admin.cursor().execute(f"drop database if exists {database} with (force)")
    admin.close()


def test_the_demo_on_postgres_writes_no_duckdb_file_and_checks_itself_against_the_story(demo):
    assert not (demo.home / "warehouse.duckdb").exists()
    assert "Checked against the story's ground truth" in demo.output
    assert "≠" not in demo.output


def test_every_event_sent_is_in_the_postgres_warehouse_exactly_once(demo):
    counts = dict(demo.query("select source_name, count(*) from raw_events.messages group by 1"))
    assert counts == demo.truth["events_by_source"]
    assert demo.query("select count(*) - count(distinct message_id) from raw_events.messages") == [(0,)]


def test_the_email_funnel_per_campaign_on_postgres_equals_the_ground_truth(demo):
    rows = demo.query(
        "select source_name || ':' || campaign_id, sent, delivered, unique_human_openers, unique_clickers, "
        "conversions from marts.fct_email_campaign_funnel"
    )
    found = {key: list(values) for key, *values in rows}
    expected = {
        key: [campaign[field] for field in ("sent", "delivered", "opened", "clicked", "conversions")]
        for key, campaign in demo.truth["email_campaigns"].items()
    }
    assert found == expected


@pytest.mark.parametrize(
    ("audience", "model"),
    [("open_tickets", "aud_open_ticket_suppression"), ("reengagement", "aud_reengagement")],
)
def test_reference_audiences_built_on_postgres_equal_the_ground_truth(demo, audience, model):
    rows = demo.query(f"select user_id, lower(email) from audiences.{model}")
    expected = demo.truth["audiences"][audience]
    assert sorted(user_id for user_id, _ in rows) == expected["user_ids"]
    assert sorted(email for _, email in rows) == expected["emails"]


def test_audience_syncs_keep_their_confirmed_state_in_postgres(demo):
    synced = dict(
        demo.query(
            # State is kept per destination account: `<destination>@<account>`.
            "select split_part(destination, '@', 1), count(*) from pipeline.audience_membership "
            "where audience = 'open_ticket_suppression' and status = 'confirmed' group by 1"
        )
    )
    size = demo.truth["audiences"]["open_tickets"]["size"]
    assert synced == {"braze": size, "google_ads": size, "meta": size}


def test_the_report_and_the_audiences_list_read_the_postgres_warehouse(demo):
    report = demo.run("report")
    assert report.returncode == 0, report.stderr
    assert "aud_reengagement" in (demo.home / "exports" / "report.html").read_text()
    listing = demo.run("audiences", "list")
    assert listing.returncode == 0, listing.stderr
    assert "open_ticket_suppression" in listing.stdout
