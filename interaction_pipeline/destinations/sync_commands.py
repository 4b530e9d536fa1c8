"""`interaction-pipeline audiences sync NAME` and `audiences retire NAME`: the same engine as Dagster's sync
assets, run from the command line (the warehouse must not be in use by a Dagster run at the same time)."""

from __future__ import annotations

import click
from rich.console import Console

from interaction_pipeline.destinations.cli_support import (
    DESTINATION_OPTION,
    MANIFEST_OPTION,
    chosen_targets,
    cli_plan,
    client,
    connect,
    reasons_text,
)
from interaction_pipeline.destinations.outcome import SyncOutcome


def _summary(outcome: SyncOutcome) -> str:
    parts = [f"added {outcome.added}", f"removed {outcome.removed}", f"failed {outcome.failed}"]
    if outcome.full_refresh:
        parts.append(f"re-sent {outcome.resent}")
    if outcome.renewed:
        parts.append(f"renewed {outcome.renewed}")
    parts.append(f"suppressed {outcome.suppressed}")
    parts.append(f"unmatched {outcome.unmatched}")
    text = ", ".join(parts)
    if outcome.unmatched:
        text += f" ({reasons_text(outcome.unmatched_reasons)})"
    return text


@click.command("sync")
@click.argument("name")
@DESTINATION_OPTION
@click.option("--full-refresh", is_flag=True, help="Send every member again, not only the changes.")
@click.option(
    "--allow-large-removal", is_flag=True, help="Accept, this once, a removal above max_removal_share."
)
@MANIFEST_OPTION
def sync(
    name: str, destination: str | None, full_refresh: bool, allow_large_removal: bool, manifest: str | None
) -> None:
    """Sync NAME to its destinations now, as its Dagster sync assets do."""
    from interaction_pipeline.destinations.engine import sync_target

    plan = cli_plan(manifest)
    spec, targets = chosen_targets(plan, name, destination)
    console, trouble = Console(), False
    with connect(read_only=False) as conn:
        for target in targets:
            outcome = sync_target(
                conn,
                target,
                client(target.destination)[0],
                suppressions=plan.suppressions_for(spec),
                full_refresh=full_refresh,
                allow_large_removal=allow_large_removal,
            )
            console.print(f"[bold]{spec.name} → {target.destination}[/bold]  {outcome.endpoint}")
            for line in ([f"drift: {outcome.drift}"] if outcome.drift else []) + outcome.notes:
                console.print(f"  {line}", soft_wrap=True)
            if outcome.blocked:
                console.print(f"  [red]blocked:[/red] {outcome.blocked}", soft_wrap=True)
            else:
                console.print(f"  {_summary(outcome)}", soft_wrap=True)
            trouble = trouble or bool(outcome.blocked) or outcome.failed > 0
    if trouble:
        raise SystemExit(1)


@click.command("retire")
@click.argument("name")
@DESTINATION_OPTION
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@MANIFEST_OPTION
def retire(name: str, destination: str | None, yes: bool, manifest: str | None) -> None:
    """Empty or delete the remote lists of NAME, an audience (or destination) no longer in the models."""
    from interaction_pipeline.destinations.retire import orphans, retire, retired_target

    plan = cli_plan(manifest)
    name = name.removeprefix("aud_")
    if any(t.audience.name == name and destination in (None, t.destination) for t in plan.targets):
        where = f" to {destination}" if destination else ""
        raise click.ClickException(
            f"the models still send {name}{where}: remove it from meta.audience.destinations (or the model) "
            "and rebuild the manifest first, or its next sync sends everyone again"
        )
    with connect(read_only=False) as conn:
        found = [
            o for o in orphans(conn, plan) if o.audience == name and destination in (None, o.destination)
        ]
        if not found:
            raise click.ClickException(
                f"the warehouse holds no sync state for {name}{' → ' + destination if destination else ''}"
            )
        for orphan in found:
            remote = client(orphan.destination)[0]
            if orphan.account and orphan.account != remote.account:
                # Only a client of that account can reach its list; its state waits until one is configured.
                click.echo(
                    f"{name} → {orphan.destination} at {orphan.account}: {orphan.confirmed} confirmed there, "
                    f"but {orphan.destination} points at {remote.account}; point it at that account to "
                    "retire them"
                )
                continue
            prompt = f"Remove all {orphan.confirmed} members of {name} from {orphan.destination}?"
            if not yes and not click.confirm(prompt):
                continue
            outcome = retire(conn, retired_target(conn, orphan), remote)
            state = "retired" if outcome.failed == 0 else f"{outcome.failed} could not be removed; run again"
            click.echo(f"{name} → {orphan.destination}: removed {outcome.removed}, {state}")
            if outcome.failed:
                raise SystemExit(1)
