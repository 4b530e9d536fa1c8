"""`interaction-pipeline audiences list | preview NAME [--destination D]`.

`preview` is a dry run: it diffs the audience against what each destination has confirmed and shows the adds,
the removes, the guards and a sample of the exact (hashed) rows that would be sent, without sending anything
or writing the warehouse (it opens it read-only).
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import duckdb
from rich.console import Console
from rich.table import Table

from interaction_pipeline import settings
from interaction_pipeline.destinations.plan import ActivationPlan, load_plan
from interaction_pipeline.partners import IncompleteCredentials


def _plan(manifest: str | None) -> ActivationPlan:
    return load_plan(Path(manifest) if manifest else settings.DBT_MANIFEST)


MANIFEST_OPTION = click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False),
    help="A dbt manifest.json (default: the project's, written by dbt parse or dbt build).",
)


def _connect() -> duckdb.DuckDBPyConnection:
    path = settings.paths().warehouse
    if not path.exists():
        raise click.ClickException(f"no warehouse at {path}: build the audiences first")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as error:
        raise click.ClickException(f"the warehouse is busy (a run writes it); retry: {error}") from error


def _count(conn: duckdb.DuckDBPyConnection, sql: str, params: list) -> int | None:
    try:
        return conn.execute(sql, params).fetchall()[0][0]
    except duckdb.CatalogException:
        return None


@click.group()
def audiences() -> None:
    """Audiences declared by the dbt models, and dry runs of their syncs."""


@audiences.command("list")
@MANIFEST_OPTION
def list_audiences(manifest: str | None) -> None:
    """Every audience with its purpose, size and what each destination has confirmed."""
    plan = _plan(manifest)
    if not plan.audiences:
        click.echo("no audience models in the dbt manifest (run dbt parse or dbt build first)")
        return
    table = Table("audience", "purpose", "members", "destination", "confirmed", "last sync")
    path = settings.paths().warehouse
    with _connect() if path.exists() else duckdb.connect() as conn:
        for target in plan.targets:
            spec = target.audience
            members = _count(conn, f"select count(*) from {spec.relation}", [])
            confirmed = _count(
                conn,
                "select count(*) from pipeline.audience_membership "
                "where audience = ? and destination = ? and status = 'confirmed'",
                [spec.name, target.destination],
            )
            last = None
            try:
                rows = conn.execute(
                    "select status, logged_at from pipeline.audience_sync_log where audience = ? "
                    "and destination = ? and level = 'sync' order by logged_at desc limit 1",
                    [spec.name, target.destination],
                ).fetchall()
                last = f"{rows[0][0]} {rows[0][1]:%Y-%m-%d %H:%M}" if rows else None
            except duckdb.CatalogException:
                pass
            table.add_row(
                spec.name,
                spec.purpose,
                "not built" if members is None else str(members),
                target.destination,
                "-" if confirmed is None else str(confirmed),
                last or "never",
            )
    Console().print(table)


@audiences.command("preview")
@click.argument("name")
@click.option(
    "--destination", "-d", help="Only this destination (default: every destination of the audience)."
)
@click.option("--sample", default=5, show_default=True, help="How many rows of each change to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the preview as JSON.")
@MANIFEST_OPTION
def preview(name: str, destination: str | None, sample: int, as_json: bool, manifest: str | None) -> None:
    """Dry run of NAME's syncs: adds, removes, guards and sample rows. Sends nothing."""
    from interaction_pipeline.destinations.clients import configured_destination
    from interaction_pipeline.destinations.engine import sync_target
    from interaction_pipeline.destinations.spec import find_audience

    plan = _plan(manifest)
    try:
        spec = find_audience(plan.audiences, name)
    except KeyError as error:
        raise click.ClickException(str(error.args[0])) from error
    targets = [t for t in plan.targets if t.audience is spec and destination in (None, t.destination)]
    if not targets:
        raise click.ClickException(f"audience {spec.name} has no destination {destination!r}")
    suppressions = plan.suppressions_for(spec)
    results = []
    with _connect() as conn:
        for target in targets:
            try:
                destination, sandbox = configured_destination(target.destination)
            except IncompleteCredentials as error:
                raise click.ClickException(str(error)) from error
            outcome = sync_target(
                conn, target, destination, suppressions=suppressions, dry_run=True, sample_size=sample
            )
            results.append((target, outcome, sandbox))
    if as_json:
        click.echo(json.dumps([_as_dict(t, o, s) for t, o, s in results], indent=2, default=str))
        return
    console = Console()
    for target, outcome, sandbox in results:
        where = f"{outcome.endpoint}{' (sandbox)' if sandbox else ''}"
        console.print(f"[bold]{spec.name} → {target.destination}[/bold]  {where}")
        console.print(
            f"  members {outcome.members}, confirmed {outcome.confirmed_before}: would add {outcome.to_add}, "
            f"remove {outcome.to_remove}, {outcome.invalid} invalid"
        )
        console.print(f"  [red]blocked:[/red] {outcome.blocked}" if outcome.blocked else "  guards: passed")
        for label, rows in (("add", outcome.sample_adds), ("remove", outcome.sample_removes)):
            for row in rows:
                console.print(f"  {label} {row['member_key']}: {json.dumps(row['payload'])}", soft_wrap=True)


def _as_dict(target, outcome, sandbox: bool) -> dict:
    return {
        "audience": target.audience.name,
        "destination": target.destination,
        "endpoint": outcome.endpoint,
        "sandbox": sandbox,
        "members": outcome.members,
        "confirmed": outcome.confirmed_before,
        "to_add": outcome.to_add,
        "to_remove": outcome.to_remove,
        "invalid": outcome.invalid,
        "blocked": outcome.blocked,
        "guards": outcome.guards,
        "sample_adds": outcome.sample_adds,
        "sample_removes": outcome.sample_removes,
    }
