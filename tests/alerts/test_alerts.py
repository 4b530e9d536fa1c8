"""Alerts arrive where they are configured, once per problem and once when it is over: a blocked sync and its
end at a Slack-style webhook on loopback, a failed run by email through a local SMTP stand-in, a quiet
source from its check; a channel that refuses is tried again."""

from __future__ import annotations

import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtCliResource, dbt_assets
from fixtures.alert_stand_ins import SlackWebhook, smtp_stand_in

from interaction_pipeline.alerts.channels import Alert
from interaction_pipeline.defs.activation.definitions import activation_definitions
from interaction_pipeline.defs.activation.keys import activation_keys
from interaction_pipeline.defs.activation.resources import destination_resources
from interaction_pipeline.defs.alerts.problems import quiet_events_problem
from interaction_pipeline.defs.alerts.sensors import alert_on_problems, alert_on_run_failure
from interaction_pipeline.defs.ingestion.events_assets import raw_events_messages
from interaction_pipeline.defs.ingestion.events_checks import MESSAGES_KEY
from interaction_pipeline.defs.resources import warehouse_resource
from interaction_pipeline.destinations.plan import load_plan

MANIFEST = Path(__file__).parents[1] / "activation" / "fixtures" / "manifest.json"
SENSORS = [alert_on_problems, alert_on_run_failure]


@dbt_assets(manifest=MANIFEST)
def fixture_audiences(context, dbt: DbtCliResource):
    yield from ()  # never run: the tests write the audience tables themselves


@pytest.fixture
def product(pipeline_home, monkeypatch):
    monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", "http://127.0.0.1:9")  # nothing listens
    monkeypatch.setenv("INTERACTION_PIPELINE_DAGSTER_URL", "http://dagster.test:3000/")
    return product_definitions()


def product_definitions() -> dg.Definitions:
    """The fixture audiences' sync assets, the events loader and the alert sensors, with the resources the
    environment configures now."""
    activation = activation_definitions(activation_keys(load_plan(MANIFEST), [fixture_audiences]))
    resources = {**destination_resources(), "warehouse": warehouse_resource()}
    return dg.Definitions.merge(
        activation,
        dg.Definitions(assets=[raw_events_messages], sensors=SENSORS, resources=resources),
    )


def write_promo(home: Path, emails: list[str]) -> None:
    with duckdb.connect(str(home / "warehouse.duckdb")) as conn:
        conn.execute("create schema if not exists audiences")
        for table, rows in (("aud_promo", emails), ("aud_hold", [])):
            conn.execute(f"create or replace table audiences.{table} (profile_id varchar, email varchar)")
            if rows:
                conn.executemany(f"insert into audiences.{table} values (?, ?)", list(enumerate(rows)))


def sync(defs: dg.Definitions, instance, key: str, config: dict | None = None) -> dg.ExecuteInProcessResult:
    job = defs.resolve_implicit_global_asset_job_def()
    return job.execute_in_process(
        instance=instance,
        asset_selection=[dg.AssetKey(["activation", key])],
        run_config={"ops": {f"activation__{key}": {"config": config}}} if config else None,
        raise_on_error=False,
    )


def evaluate_problems(defs: dg.Definitions, instance, cursor: str | None):
    context = dg.build_sensor_context(instance=instance, definitions=defs, cursor=cursor)
    result = alert_on_problems(context)
    return result, context.cursor


def run_failure(defs: dg.Definitions, instance, result: dg.ExecuteInProcessResult):
    context = dg.build_run_status_sensor_context(
        sensor_name="alert_on_run_failure",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    )
    return alert_on_run_failure(context.for_run_failure())


def test_a_blocked_sync_is_said_once_at_the_webhook_and_its_end_once(
    product, pipeline_home, httpserver, monkeypatch
):
    slack = SlackWebhook(httpserver)
    monkeypatch.setenv("INTERACTION_PIPELINE_ALERT_WEBHOOK_URL", slack.url)
    write_promo(pipeline_home, [f"p{i}@x.com" for i in range(10)])
    with dg.DagsterInstance.ephemeral() as instance:
        assert sync(product, instance, "promo__file").success
        _, cursor = evaluate_problems(product, instance, None)
        assert slack.texts == []

        write_promo(pipeline_home, ["p0@x.com"])
        blocked = sync(product, instance, "promo__file")
        assert not blocked.success
        _, cursor = evaluate_problems(product, instance, cursor)
        (alert,) = slack.texts
        title, reason, link = alert.splitlines()
        assert title == "Problem: audience sync promo__file"
        assert reason.startswith(
            "blocked: sync would remove 9 of 10 confirmed members of promo from file (90%)"
        )
        assert "--allow-large-removal" in reason
        assert link == "http://dagster.test:3000/assets/activation/promo__file"
        assert isinstance(run_failure(product, instance, blocked), dg.SkipReason)  # the guard said why
        _, cursor = evaluate_problems(product, instance, cursor)
        assert len(slack.texts) == 1  # said once

        assert sync(product, instance, "promo__file", {"allow_large_removal": True}).success
        evaluate_problems(product, instance, cursor)
        assert slack.texts[1].splitlines()[:2] == [
            "Resolved: audience sync promo__file",
            f"it was: {alert.splitlines()[1]}",
        ]


def test_a_failed_run_is_mailed_with_the_line_that_says_why(product, pipeline_home, monkeypatch):
    write_promo(pipeline_home, [f"p{i}@x.com" for i in range(200)])
    monkeypatch.setenv("META_ACCESS_TOKEN", "EAAB-secret")  # the ad account is missing
    product = product_definitions()
    with smtp_stand_in() as smtp, dg.DagsterInstance.ephemeral() as instance:
        monkeypatch.setenv("INTERACTION_PIPELINE_ALERT_EMAIL_TO", "ops@example.com, data@example.com")
        monkeypatch.setenv("INTERACTION_PIPELINE_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("INTERACTION_PIPELINE_SMTP_PORT", str(smtp.server_address[1]))
        monkeypatch.setenv("INTERACTION_PIPELINE_SMTP_SECURITY", "none")
        failed = sync(product, instance, "promo__meta")
        assert not failed.success
        run_failure(product, instance, failed)
        (message,) = smtp.messages
    assert message["Subject"] == "Dagster run failed: __ASSET_JOB"
    assert message["To"] == "ops@example.com, data@example.com"
    body = message.get_payload(decode=True).decode()
    assert "activation__promo__meta: meta: META_ACCESS_TOKEN is set but META_AD_ACCOUNT_ID is not" in body
    assert f"http://dagster.test:3000/runs/{failed.run_id}" in body
    assert "EAAB-secret" not in body


def test_a_quiet_source_from_its_check_is_said_at_the_webhook(product, httpserver, monkeypatch):
    slack = SlackWebhook(httpserver)
    monkeypatch.setenv("INTERACTION_PIPELINE_ALERT_WEBHOOK_URL", slack.url)
    with dg.DagsterInstance.ephemeral() as instance:
        instance.report_runless_asset_event(
            dg.AssetCheckEvaluation(
                asset_key=MESSAGES_KEY,
                check_name="active_sources_fresh",
                passed=False,
                metadata={"silent_sources": "braze-prod"},
                severity=dg.AssetCheckSeverity.WARN,
            )
        )
        evaluate_problems(product, instance, None)
    assert slack.texts == [
        "Problem: check active_sources_fresh on raw_events/messages\nsilent sources: braze-prod\n"
        "http://dagster.test:3000/assets/raw_events/messages"
    ]


def test_an_alert_the_webhook_refuses_is_sent_again_at_the_next_evaluation(
    product, pipeline_home, httpserver, monkeypatch
):
    httpserver.expect_oneshot_request("/hook").respond_with_data("down", status=500)
    received = []
    httpserver.expect_request("/hook").respond_with_handler(lambda request: received.append(request) or "ok")
    monkeypatch.setenv("INTERACTION_PIPELINE_ALERT_WEBHOOK_URL", httpserver.url_for("/hook"))
    write_promo(pipeline_home, [f"p{i}@x.com" for i in range(10)])
    with dg.DagsterInstance.ephemeral() as instance:
        sync(product, instance, "promo__file")
        write_promo(pipeline_home, ["p0@x.com"])
        sync(product, instance, "promo__file")
        result, cursor = evaluate_problems(product, instance, None)
        assert "sent 0 of 1 alerts" in result.skip_message and received == []
        evaluate_problems(product, instance, cursor)
    assert len(received) == 1


def test_no_events_loaded_for_longer_than_the_quiet_hours_is_a_problem(monkeypatch):
    monkeypatch.setenv("INTERACTION_PIPELINE_SOURCE_QUIET_HOURS", "2")
    with dg.DagsterInstance.ephemeral() as instance:
        assert quiet_events_problem(instance) == {}  # never loaded: nothing to miss yet
        instance.report_runless_asset_event(dg.AssetObservation(MESSAGES_KEY))
        assert quiet_events_problem(instance, now=time.time() + 3600) == {}
        late = quiet_events_problem(instance, now=time.time() + 3 * 3600)
    assert (
        list(late) == ["events:quiet"] and "no events were loaded in the last 2 hours" in late["events:quiet"]
    )


def test_an_alert_never_quotes_an_email_or_phone_an_error_message_held():
    alert = Alert("Dagster run failed: x", "step: mary@example.com refused, call +1 415 555 0100")
    assert alert.text() == "Dagster run failed: x\nstep: [email] refused, call [phone]"
