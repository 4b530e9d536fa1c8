"""Alerts, from Dagster's own sensors, to the channels `INTERACTION_PIPELINE_ALERT_*` configure.

- `alert_on_run_failure` (a run failure sensor): a run that failed, with the first line of each failed step.
  Runs that failed only because a blocking check said no are left to the next sensor, which says why.
- `alert_on_problems`: every minute, what is wrong now (`problems.py`: blocked or partial syncs, failing
  blocking checks, quiet sources) against what was last said, so each problem is said once and its end once.
  An alert a channel did not take is tried again at the next evaluation.
"""

from __future__ import annotations

import json

import dagster as dg

from interaction_pipeline import settings
from interaction_pipeline.alerts.channels import Alert, AlertNotSent, channels, send
from interaction_pipeline.alerts.transitions import Change, changes
from interaction_pipeline.defs.alerts.problems import current_problems
from interaction_pipeline.defs.failures import first_line

CHECK_FAILED = "DagsterAssetCheckFailedError"
NO_CHANNEL = (
    "no alert channel is configured: set INTERACTION_PIPELINE_ALERT_WEBHOOK_URL, or "
    "INTERACTION_PIPELINE_ALERT_EMAIL_TO and INTERACTION_PIPELINE_SMTP_HOST"
)


def run_failure_alert(context: dg.RunFailureSensorContext, dagster_url: str) -> Alert | None:
    failures = context.get_step_failure_events()
    errors = [event.event_specific_data.error for event in failures]
    if errors and all(error is not None and error.cls_name == CHECK_FAILED for error in errors):
        return None
    run = context.dagster_run
    lines = [f"{event.step_key}: {first_line(error)}" for event, error in zip(failures, errors, strict=True)]
    return Alert(
        title=f"Dagster run failed: {run.job_name}",
        detail="\n".join(lines) or context.failure_event.message or "the run failed before its steps",
        link=f"{dagster_url}/runs/{run.run_id}",
    )


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Sends an alert when a run fails (see INTERACTION_PIPELINE_ALERT_* settings).",
)
def alert_on_run_failure(context: dg.RunFailureSensorContext):
    configured = settings.alert_settings()
    alert = run_failure_alert(context, configured.dagster_url)
    if alert is None or not channels(configured):
        return dg.SkipReason(NO_CHANNEL if alert else "a guard held the run back; alert_on_problems says why")
    send(alert, configured)  # raising leaves the run to the next evaluation
    return None


def _alert(change: Change, dagster_url: str) -> Alert:
    kind, _, name = change.subject.partition(":")
    asset = name.rsplit(":", 1)[0] if kind == "check" else name
    link = f"{dagster_url}/assets/{asset}" if kind in ("sync", "check") else f"{dagster_url}/runs"
    what = {
        "sync": f"audience sync {name.removeprefix('activation/')}",
        "check": f"check {name.rsplit(':', 1)[-1]} on {asset}",
    }.get(kind, "events loading")
    if change.problem is None:
        return Alert(f"Resolved: {what}", f"it was: {change.was}", link)
    return Alert(f"Problem: {what}", change.problem, link)


@dg.sensor(
    name="alert_on_problems",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Sends an alert when a sync is blocked or partial, a blocking check fails or a source goes "
    "quiet, and one when it is resolved.",
)
def alert_on_problems(context: dg.SensorEvaluationContext):
    configured = settings.alert_settings()
    said = json.loads(context.cursor) if context.cursor else {}
    news = changes(said, current_problems(context.instance, context.repository_def))
    if not news:
        return dg.SkipReason("nothing changed since the last alert")
    if not channels(configured):
        return dg.SkipReason(f"{len(news)} problems changed, but {NO_CHANNEL}")
    failures = []
    for change in news:
        try:
            send(_alert(change, configured.dagster_url), configured)
        except AlertNotSent as error:
            failures.append(str(error))
            continue
        if change.problem is None:
            said.pop(change.subject, None)
        else:
            said[change.subject] = change.problem
    context.update_cursor(json.dumps(said, sort_keys=True))
    if failures:
        context.log.error(f"{len(failures)} alerts were not sent; tried again next time: {failures[0]}")
    return dg.SkipReason(f"sent {len(news) - len(failures)} of {len(news)} alerts")
