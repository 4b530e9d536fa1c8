"""`interaction-pipeline audiences list | preview | history | sync | retire`.

`preview` is a dry run: it diffs the audience against what each destination has confirmed and shows the adds,
the removes, the guards and a sample of the exact (hashed) rows that would be sent, without sending anything
or writing the warehouse (it opens it read-only). `sync` and `retire` live in `sync_commands.py`, `history` in
`history_command.py`.
"""

from __future__ import annotations

import json

import click
import duckdb
from rich.console import Console
from rich.table import Table

from interaction_pipeline.destinations.cli_support import (
    DESTINATION_OPTION,
    MANIFEST_OPTION,
    chosen_targets,
    cli_plan,
    client,
    connect,
    reasons_text,
)
from interaction_pipeline.destinations.history_command import history
from interaction_pipeline.destinations.retire import orphans
from interaction_pipeline.destinations.spec import state_key
from interaction_pipeline.destinations.sync_commands import retire, sync
from interaction_pipeline.warehouse import engine
from interaction_pipeline.warehouse.engine import MISSING_RELATION, Connection


def _count(conn: Connection, sql: str, params: list) -> int | None:
    try:
        return conn.execute(sql, params).fetchall()[0][0]
    except MISSING_RELATION:
        return None


@click.group()
def audiences() -> None:
    """Audiences declared by the dbt models: list, preview, sync and retire their destinations."""


audiences.add_command(sync)
audiences.add_command(retire)
audiences.add_command(history)


@audiences.command("list")
@MANIFEST_OPTION
def list_audiences(manifest: str | None) -> None:
    """Every audience with its purpose, size and what each destination has confirmed, then the state of
    destinations the models no longer declare."""
    plan = cli_plan(manifest)
    if not plan.audiences:
        click.echo("no audience models in the dbt manifest (run dbt parse or dbt build first)")
    table = Table("audience", "purpose", "members", "destination", "confirmed", "last sync")
    accounts = {name: client(name)[0].account for name in {t.destination for t in plan.targets}}
    with connect() if engine.current().exists() else duckdb.connect() as conn:
        orphaned = orphans(conn, plan)
        for target in plan.targets:
            spec = target.audience
            members = _count(conn, f"select count(*) from {spec.relation}", [])
            confirmed = _count(
                conn,
                "select count(*) from pipeline.audience_membership "
                "where audience = ? and destination = ? and status = 'confirmed'",
                [spec.name, state_key(target.destination, accounts[target.destination])],
            )
            last = None
            try:
                rows = conn.execute(
                    "select status, logged_at from pipeline.audience_sync_log where audience = ? "
                    "and destination = ? and level = 'sync' order by logged_at desc limit 1",
                    [spec.name, target.destination],
                ).fetchall()
                last = f"{rows[0][0]} {rows[0][1]:%Y-%m-%d %H:%M}" if rows else None
            except MISSING_RELATION:
                pass
            table.add_row(
                spec.name,
                spec.purpose,
                "not built" if members is None else str(members),
                target.destination,
                "-" if confirmed is None else str(confirmed),
                last or "never",
            )
    console = Console()
    if plan.audiences:
        console.print(table)
    if orphaned:
        console.print("[bold]No longer in the models[/bold] (the destination still holds these members):")
        for orphan in orphaned:
            where = f" at {orphan.account}" if orphan.account else ""
            command = (
                f"interaction-pipeline audiences retire {orphan.audience} --destination {orphan.destination}"
            )
            console.print(
                f"  {orphan.audience} → {orphan.destination}{where}: {orphan.confirmed} confirmed; empty it "
                f"with {command}",
                soft_wrap=True,
            )


@audiences.command("preview")
@click.argument("name")
@DESTINATION_OPTION
@click.option("--sample", default=5, show_default=True, help="How many rows of each change to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the preview as JSON.")
@MANIFEST_OPTION
def preview(name: str, destination: str | None, sample: int, as_json: bool, manifest: str | None) -> None:
    """Dry run of NAME's syncs: adds, removes, guards and sample rows. Sends nothing."""
    from interaction_pipeline.destinations.engine import sync_target

    plan = cli_plan(manifest)
    spec, targets = chosen_targets(plan, name, destination)
    suppressions = plan.suppressions_for(spec)
    results = []
    with connect() as conn:
        for target in targets:
            destination, sandbox = client(target.destination)
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
            f"remove {outcome.to_remove}; {outcome.suppressed} suppressed, {outcome.unmatched} unmatched"
            + (f" ({reasons_text(outcome.unmatched_reasons)})" if outcome.unmatched else "")
        )
        for note in outcome.notes:
            console.print(f"  {note}", soft_wrap=True)
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
        "suppressed": outcome.suppressed,
        "unmatched": outcome.unmatched,
        "unmatched_reasons": outcome.unmatched_reasons,
        "blocked": outcome.blocked,
        "guards": outcome.guards,
        "account": outcome.account,
        "notes": outcome.notes,
        "sample_adds": outcome.sample_adds,
        "sample_removes": outcome.sample_removes,
    }
