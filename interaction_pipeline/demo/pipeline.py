"""Run the product's Dagster definitions for the demo, against the project's Dagster instance.

Runs go into the instance under ``<home>/dagster`` (the one ``make dev`` opens), so the Dagster UI shows the
demo's materializations, checks and metadata afterwards. Two phases, as in production:

1. build: the ``build_warehouse`` job, every asset except the audience pushes — load the spool, sync the
   objects, run dbt, draw the charts;
2. activate: evaluate any sensor that requests audience syncs once, as the daemon would, and run what it
   requests; the product's syncs run on automation conditions, so its ``sync_all_audiences`` job runs.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from interaction_pipeline import settings
from interaction_pipeline.defs.failures import first_line

DEMO_TAGS = {"interaction_pipeline/trigger": "demo"}
BUILD_JOB = "build_warehouse"
ACTIVATION_JOB = "sync_all_audiences"


@dataclass
class RunOutcome:
    name: str
    success: bool
    run_id: str | None
    steps: int = 0
    detail: str = ""
    blocked: bool = False  # failed only because a blocking check (a sync guard) said no

    @property
    def ok(self) -> bool:
        return self.success or self.blocked


def load_definitions() -> dg.Definitions:
    from interaction_pipeline.definitions import defs

    return defs()


def open_instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(settings.ensure_dagster_home()))


def activation_keys(definitions: dg.Definitions) -> set[dg.AssetKey]:
    """The assets that push audiences outward: those of the product's ``sync_all_audiences`` job."""
    repository = definitions.get_repository_def()
    if not repository.has_job(ACTIVATION_JOB):
        return set()
    return set(repository.get_job(ACTIVATION_JOB).asset_layer.executable_asset_keys)


def activation_sensors(definitions: dg.Definitions, keys: set[dg.AssetKey]) -> list[dg.SensorDefinition]:
    """Sensors whose runs materialize audience pushes."""
    repository = definitions.get_repository_def()
    found = []
    for sensor in repository.sensor_defs:
        jobs = [repository.get_job(target.job_name) for target in sensor.targets]
        if any(set(job.asset_layer.executable_asset_keys) & keys for job in jobs):
            found.append(sensor)
    return found


@contextlib.contextmanager
def output_to(log: Path) -> Iterator[None]:
    """Send what runs print (dbt's own log lines among them) to a file, so the terminal keeps the summary.

    dagster-dbt writes each dbt log line to ``sys.stdout``; in the demo's in-process runs that is the
    terminal.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as sink, contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield
        sys.stdout.flush()


QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def _outcome(name: str, result: dg.ExecuteInProcessResult) -> RunOutcome:
    steps = [event for event in result.all_events if event.event_type_value == "STEP_SUCCESS"]
    failures = [event for event in result.all_events if event.event_type_value == "STEP_FAILURE"]
    detail = "; ".join(
        f"{event.step_key}: {first_line(event.event_specific_data.error)}" for event in failures
    )
    blocked = bool(failures) and all(_is_check_block(event.event_specific_data.error) for event in failures)
    return RunOutcome(name, result.success, result.run_id, len(steps), detail, blocked)


def _is_check_block(error) -> bool:
    return error is not None and error.cls_name == "DagsterAssetCheckFailedError"


def build_keys(definitions: dg.Definitions) -> set[dg.AssetKey]:
    """The assets the build materializes."""
    return set(definitions.get_repository_def().get_job(BUILD_JOB).asset_layer.executable_asset_keys)


def build(definitions: dg.Definitions, instance: dg.DagsterInstance, run_id: str | None = None) -> RunOutcome:
    """Materialize everything except the audience pushes, in dependency order, in one run.

    Runs the product's ``build_warehouse`` job, so the run shows up in the UI under a job it can re-execute.
    """
    job = definitions.get_repository_def().get_job(BUILD_JOB)
    result = job.execute_in_process(
        instance=instance, run_config=QUIET, tags=DEMO_TAGS, raise_on_error=False, run_id=run_id
    )
    return _outcome("build", result)


def activate(
    definitions: dg.Definitions,
    instance: dg.DagsterInstance,
    on_run: Callable[[RunOutcome], None] | None = None,
    on_planned: Callable[[int], None] | None = None,
) -> list[RunOutcome]:
    """Let the audience sensors decide what to push (one evaluation), then run their requests; ``on_planned``
    hears how many runs that is before the first starts."""
    repository = definitions.get_repository_def()
    requested = []
    for sensor in activation_sensors(definitions, activation_keys(definitions)):
        context = dg.build_sensor_context(instance=instance, definitions=definitions, sensor_name=sensor.name)
        requested += [(sensor, request) for request in sensor.evaluate_tick(context).run_requests or []]
    if on_planned:
        on_planned(len(requested) or 1)
    outcomes = []
    for sensor, request in requested:
        job = repository.get_job(request.job_name or sensor.targets[0].job_name)
        result = job.execute_in_process(
            instance=instance,
            asset_selection=request.asset_selection,
            run_config={**QUIET, **(request.run_config or {})},
            tags={**DEMO_TAGS, **request.tags},
            raise_on_error=False,
        )
        outcome = _outcome(f"{sensor.name}: {request.run_key or job.name}", result)
        outcomes.append(outcome)
        if on_run:
            on_run(outcome)
    if not outcomes and repository.has_job(ACTIVATION_JOB):
        result = repository.get_job(ACTIVATION_JOB).execute_in_process(
            instance=instance, run_config=QUIET, tags=DEMO_TAGS, raise_on_error=False
        )
        outcomes.append(_outcome(ACTIVATION_JOB, result))
    return outcomes
