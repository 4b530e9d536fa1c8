"""What the `audiences` commands share: the plan they read and the warehouse they open."""

from __future__ import annotations

from pathlib import Path

import click
import psycopg2

from interaction_pipeline import settings
from interaction_pipeline.destinations.base import Destination
from interaction_pipeline.destinations.plan import ActivationPlan, load_plan
from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget, find_audience
from interaction_pipeline.partners import IncompleteCredentials
from interaction_pipeline.warehouse import engine
from interaction_pipeline.warehouse.engine import Connection

MANIFEST_OPTION = click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False),
    help="A dbt manifest.json (default: the project's, written by dbt parse or dbt build).",
)


def cli_plan(manifest: str | None) -> ActivationPlan:
    return load_plan(Path(manifest) if manifest else settings.DBT_MANIFEST)


def connect(*, read_only: bool = True) -> Connection:
    warehouse = engine.current()
    if not warehouse.exists():
        raise click.ClickException(f"no warehouse at {warehouse.describe()}: build the audiences first")
    try:
        return warehouse.connect(read_only=read_only)
    except psycopg2.OperationalError as error:
        raise click.ClickException(f"cannot reach the warehouse {warehouse.describe()}: {error}") from error


def client(destination: str) -> tuple[Destination, bool]:
    """The configured client for ``destination`` and whether it is the sandbox."""
    from interaction_pipeline.destinations.clients import configured_destination

    try:
        return configured_destination(destination)
    except IncompleteCredentials as error:
        raise click.ClickException(str(error)) from error


def reasons_text(reasons: dict[str, int]) -> str:
    return ", ".join(f"{reason}: {count}" for reason, count in reasons.items())


DESTINATION_OPTION = click.option(
    "--destination", "-d", help="Only this destination (default: every destination of the audience)."
)


def chosen_targets(
    plan: ActivationPlan, name: str, destination: str | None
) -> tuple[AudienceSpec, list[SyncTarget]]:
    """The audience called ``name`` and its sync targets (only ``destination``'s when given)."""
    try:
        spec = find_audience(plan.audiences, name)
    except KeyError as error:
        raise click.ClickException(str(error.args[0])) from error
    targets = [t for t in plan.targets if t.audience is spec and destination in (None, t.destination)]
    if not targets:
        raise click.ClickException(f"audience {spec.name} has no destination {destination!r}")
    return spec, targets
