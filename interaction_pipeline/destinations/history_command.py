"""`interaction-pipeline audiences history NAME`: the last sync runs of an audience, one line each.

A line holds the figures of one run, laid out to fit an 80-column terminal; the run's account and list id and
the reason it was held back (or sent everyone again) follow on an indented line, so they wrap instead of
squeezing the table.
"""

from __future__ import annotations

import click
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from interaction_pipeline.destinations.cli_support import DESTINATION_OPTION, connect
from interaction_pipeline.destinations.history import SyncRun, sync_runs

# (heading, width, attribute); text columns are left-aligned, figures right-aligned
COLUMNS = (
    ("when (UTC)", 16, "logged_at"),
    ("destination", 11, "destination"),
    ("status", 9, "status"),
    ("members", 7, "members"),
    ("added", 5, "added"),
    ("removed", 7, "removed"),
    ("failed", 6, "failed"),
    ("unmatched", 9, "unmatched"),
)
STATUS_STYLES = {"completed": "green", "partial": "yellow", "blocked": "red", "failed": "red"}


def _cell(run: SyncRun, attribute: str, width: int) -> str:
    value = getattr(run, attribute)
    if attribute == "logged_at":
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, int) or value is None:
        return f"{'' if value is None else f'{value:,}':>{width}}"
    text = f"{value:<{width}}"
    return f"[{STATUS_STYLES[value]}]{text}[/]" if value in STATUS_STYLES else escape(text)


def _details(run: SyncRun) -> str:
    where = ", ".join(
        part for part in (run.account, f"list {run.remote_id}" if run.remote_id else "") if part
    )
    return "; ".join(part for part in (run.reason, f"at {where}" if where else "") if part)


@click.command("history")
@click.argument("name")
@DESTINATION_OPTION
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="How many runs to show.")
def history(name: str, destination: str | None, limit: int) -> None:
    """The last sync runs of NAME, newest first: what each changed, and why it was held back."""
    name = name.removeprefix("aud_")
    with connect() as conn:
        runs = [r for r in sync_runs(conn, name, limit * 10) if destination in (None, r.destination)][:limit]
    if not runs:
        click.echo(f"no sync of {name}{' to ' + destination if destination else ''} yet")
        return
    console = Console(highlight=False)
    console.print(f"[bold]Sync runs of {name}[/bold], newest first")
    heading = " ".join(
        f"{title:<{width}}" if index < 3 else f"{title:>{width}}"
        for index, (title, width, _) in enumerate(COLUMNS)
    )
    console.print(f"[bold]{heading}[/bold]")
    for run in runs:
        console.print(" ".join(_cell(run, attribute, width) for _, width, attribute in COLUMNS))
        if details := _details(run):
            console.print(Padding(Text(details, style="dim"), (0, 0, 0, 4)))
