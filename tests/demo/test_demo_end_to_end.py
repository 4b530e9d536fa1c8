"""`interaction-pipeline demo` end to end at a small size: what lands in the warehouse equals the story's
ground truth; `make dev` then serves it (a materialization launched over GraphQL succeeds and a real browser
shows the charts); and a second demo run changes nothing."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests
from dagster import DagsterRunStatus
from dagster_graphql import DagsterGraphQLClient
from fixtures.alert_stand_ins import SlackWebhook

from interaction_pipeline import settings
from interaction_pipeline.definitions import defs
from interaction_pipeline.defs.activation.metadata import PLOTTED
from interaction_pipeline.defs.alerts.sensors import alert_on_problems
from interaction_pipeline.demo.processes import free_port

pytestmark = pytest.mark.slow
SIZE, SEED = 300, 7
FINISHED = (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED)
# ground-truth funnel field -> column of marts.fct_email_campaign_funnel
FUNNEL_FIELDS = {
    "sent": "sent",
    "delivered": "delivered",
    "opened": "unique_human_openers",
    "clicked": "unique_clickers",
    "conversions": "conversions",
}
EVENT_COUNTS = {  # event name in the ground truth -> mart column counting those events
    "Email Opened (human)": "human_opens",
    "Email Opened (machine)": "machine_opens",
    "Email Link Clicked": "clicks",
    "Email Unsubscribed": "unsubscribes",
}


@dataclass
class DemoRun:
    home: Path
    output: str
    truth: dict

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.home / "warehouse.duckdb"), read_only=True) as connection:
            return connection.execute(sql).fetchall()


def run_demo_command() -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "interaction_pipeline.cli",
        "demo",
        "--size",
        str(SIZE),
        "--seed",
        str(SEED),
    ]
    environment = {**settings.child_environment(), "COLUMNS": "160"}
    return subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=600, cwd=settings.PROJECT_ROOT
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo") / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INTERACTION_PIPELINE_HOME", str(home))
        patch.delenv("INTERACTION_PIPELINE_WAREHOUSE", raising=False)
        done = run_demo_command()
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
        truth = json.loads((home / "demo" / "ground_truth.json").read_text())
        yield DemoRun(home, done.stdout, truth)


def test_the_demo_prints_events_funnel_audiences_syncs_and_how_to_open_the_ui(demo):
    for heading in (
        "Events by source",
        "Email funnel per campaign",
        "Audiences",
        "Audience syncs",
        "make dev",
    ):
        assert heading in demo.output


def test_every_event_sent_is_in_the_warehouse_exactly_once(demo):
    counts = dict(demo.query("select source_name, count(*) from raw_events.messages group by 1"))
    assert counts == demo.truth["events_by_source"]


def test_the_email_funnel_per_campaign_equals_the_ground_truth(demo):
    columns = sorted({*FUNNEL_FIELDS.values(), *EVENT_COUNTS.values()})
    rows = demo.query(
        f"select source_name, campaign_id, {', '.join(columns)} from marts.fct_email_campaign_funnel"
    )
    warehouse = {
        f"{source}:{campaign}": dict(zip(columns, values, strict=True)) for source, campaign, *values in rows
    }
    assert set(warehouse) == set(demo.truth["email_campaigns"])
    for key, expected in demo.truth["email_campaigns"].items():
        for field, column in FUNNEL_FIELDS.items():
            assert warehouse[key][column] == expected[field], (key, field)
        for event, column in EVENT_COUNTS.items():
            assert warehouse[key][column] == expected["events"].get(event, 0), (key, event)


@pytest.mark.parametrize(
    ("audience", "model"),
    [("open_tickets", "aud_open_ticket_suppression"), ("reengagement", "aud_reengagement")],
)
def test_reference_audiences_equal_the_ground_truth(demo, audience, model):
    rows = demo.query(f"select user_id, lower(email) from audiences.{model}")
    expected = demo.truth["audiences"][audience]
    assert sorted(user_id for user_id, _ in rows) == expected["user_ids"]
    assert sorted(email for _, email in rows) == expected["emails"]
    assert expected["size"] > 0


def test_the_audience_sensor_ran_a_sync_for_every_destination_of_the_reference_audiences(demo):
    synced = set(
        demo.query("select audience, destination from pipeline.audience_sync_log where level = 'sync'")
    )
    assert {
        ("open_ticket_suppression", "braze"),
        ("reengagement", "meta"),
        ("reengagement", "google_ads"),
    } <= synced


def test_the_report_shows_the_demo_for_people_without_dagster(demo):
    done = subprocess.run(
        [sys.executable, "-m", "interaction_pipeline.cli", "report"],
        capture_output=True,
        text=True,
        env=settings.child_environment(),
        cwd=settings.PROJECT_ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    html = (demo.home / "exports" / "report.html").read_text()
    assert html.count("data:image/svg+xml;base64,") == 2
    campaign = next(iter(demo.truth["email_campaigns"].values()))["campaign_name"]
    assert campaign.replace("&", "&amp;") in html
    for name in ("aud_reengagement", "aud_open_ticket_suppression", "reengagement", "website", "braze"):
        assert name in html


def wait_for(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"make dev exited early with {process.returncode}"
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never answered")


def launch_and_wait(client: DagsterGraphQLClient, asset: list[str]) -> DagsterRunStatus:
    run_id = client.submit_job_execution("__ASSET_JOB", asset_selection=[asset])
    deadline = time.monotonic() + 180
    while (status := client.get_run_status(run_id)) not in FINISHED:
        assert time.monotonic() < deadline, f"run {run_id} still {status}"
        time.sleep(1)
    return status


def test_make_dev_serves_the_demo_in_the_dagster_ui_and_runs_what_graphql_launches(
    demo, rendered_dom, browser_page
):
    ports = {"dagster": free_port(), "collector": free_port(), "sandbox": free_port()}
    command = [
        sys.executable,
        "-m",
        "interaction_pipeline.dev",
        "--dagster-port",
        str(ports["dagster"]),
        "--collector-port",
        str(ports["collector"]),
        "--sandbox-port",
        str(ports["sandbox"]),
    ]
    dev = subprocess.Popen(
        command,
        env=settings.child_environment(),
        cwd=settings.PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    ui = f"http://127.0.0.1:{ports['dagster']}"
    try:
        wait_for(f"{ui}/server_info", dev)
        assert requests.get(f"http://127.0.0.1:{ports['collector']}/health", timeout=5).ok
        sandbox = requests.get(f"http://127.0.0.1:{ports['sandbox']}/_sandbox/health", timeout=5).json()
        assert (sandbox["seed"], sandbox["size"]) == (SEED, SIZE)  # the demo's story, not an empty sandbox

        client = DagsterGraphQLClient("127.0.0.1", port_number=ports["dagster"])
        assert launch_and_wait(client, ["reporting", "email_charts"]) == DagsterRunStatus.SUCCESS

        assert "build_warehouse" in rendered_dom(f"{ui}/runs")
        browser_page.open(f"{ui}/assets/reporting/email_charts?view=events")
        show = "[...document.querySelectorAll('a')].filter(a => a.textContent === '[Show Markdown]')"
        browser_page.wait_for(f"{show}.length >= 2")
        browser_page.evaluate(f"{show}[0].click()")
        chart = (
            "(() => { const image = [...document.querySelectorAll('[role=dialog] img')]"
            ".find(i => i.src.startsWith('data:image/svg+xml')); return image && image.naturalWidth; })()"
        )
        assert browser_page.wait_for(chart) > 100  # the funnel picture is drawn, not just present
    finally:
        dev.send_signal(signal.SIGINT)
        output, _ = dev.communicate(timeout=120)
    assert dev.returncode == 0, output[-3000:]
    assert "stopped dagster (exit 0)" in output and "stopped collector (exit 0)" in output


def test_after_the_demo_dagster_holds_numbers_to_plot_tables_and_sync_history(demo):
    """Read through Dagster's API, as the UI reads them."""
    with dg.DagsterInstance.from_config(str(settings.paths().dagster_home)) as instance:
        sync = instance.fetch_materializations(
            dg.AssetKey(["activation", "open_ticket_suppression__meta"]), 1
        )
        metadata = sync.records[0].asset_materialization.metadata
        numbers = {name for name, value in metadata.items() if isinstance(value, dg.IntMetadataValue)}
        assert numbers == set(PLOTTED)  # the plots: what changed, nothing constant
        assert metadata["added"].value == demo.truth["audiences"]["open_tickets"]["size"]
        assert (metadata["status"].value, metadata["account"].value) == ("completed", "sandbox/meta/act_1000")
        assert metadata["remote_id"].value and isinstance(metadata["details"], dg.JsonMetadataValue)
        assert metadata["details"].value["guards"]["max_removal_share"] == 0.5
        audience = instance.fetch_materializations(
            dg.AssetKey(["audiences", "aud_open_ticket_suppression"]), 1
        )
        members = audience.records[0].asset_materialization.metadata["dagster/row_count"]
        assert members.value == demo.truth["audiences"]["open_tickets"]["size"]  # the size Dagster plots
        charts = instance.fetch_materializations(dg.AssetKey(["reporting", "email_charts"]), 1)
        funnel = charts.records[0].asset_materialization.metadata
        assert isinstance(funnel["funnel"], dg.TableMetadataValue)
        assert isinstance(funnel["campaigns"], dg.TableMetadataValue)
        assert len(funnel["campaigns"].value.records) == len(demo.truth["email_campaigns"])
    shown = subprocess.run(
        [sys.executable, "-m", "interaction_pipeline.cli", "audiences", "history", "reengagement"],
        capture_output=True,
        text=True,
        env={**settings.child_environment(), "COLUMNS": "80"},
        cwd=settings.PROJECT_ROOT,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    runs = [line.split() for line in shown.stdout.splitlines() if line.startswith("20")]
    assert {run[2] for run in runs} == {"meta", "google_ads", "webhook"}  # one line per sync run
    assert "below the minimum of 100 for meta" in shown.stdout  # a guard held the small audience back


def test_after_the_demo_the_alert_sensor_posts_what_is_held_back_to_a_webhook(demo, httpserver):
    slack = SlackWebhook(httpserver)
    with (
        pytest.MonkeyPatch.context() as patch,
        dg.DagsterInstance.from_config(str(settings.paths().dagster_home)) as instance,
    ):
        patch.setenv("INTERACTION_PIPELINE_ALERT_WEBHOOK_URL", slack.url)
        context = dg.build_sensor_context(instance=instance, definitions=defs())
        alert_on_problems(context)
    titles = {text.splitlines()[0] for text in slack.texts}
    assert "Problem: audience sync reengagement__meta" in titles
    (meta,) = [text for text in slack.texts if text.startswith("Problem: audience sync reengagement__meta")]
    assert "below the minimum of 100 for meta" in meta
    assert "Problem: audience sync open_ticket_suppression__meta" not in titles  # it went out


def test_running_the_demo_again_changes_nothing(demo):
    def state() -> tuple:
        return (
            demo.query("select count(*), count(distinct message_id) from raw_events.messages"),
            demo.query("select count(*) from audiences.aud_reengagement"),
            demo.query("select count(*) from audiences.aud_open_ticket_suppression"),
            json.loads(settings.paths().sources_registry.read_text())["sources"].__len__(),
        )

    before = state()
    again = run_demo_command()
    assert again.returncode == 0, again.stdout[-4000:]
    assert state() == before
    assert demo.query("select count(*) from raw_events.messages")[0][0] == demo.truth["events_total"]
