"""The tables printed at the end of the demo, read from the warehouse and the sandbox.

Reads the warehouse with a read-only DuckDB connection once Dagster is done with it. Every table is looked up
by schema and name prefix, so a mart that has not been built yet is reported as missing rather than failing.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.table import Table

from interaction_pipeline.demo.sender import SendReport
from interaction_pipeline.demo.verify import verify
from interaction_pipeline.destinations.history import sync_runs
from interaction_pipeline.reporting import chart_data
from interaction_pipeline.reporting.queries import audience_sizes, connect, events_by_source, tables_in

DESTINATION_VENDORS = ("meta", "google-ads", "braze", "webhook")


def destination_deliveries(sandbox) -> dict[str, int]:
    """HTTP requests each destination stand-in received (the sandbox counts them per vendor)."""
    return {
        vendor: count
        for vendor, count in sorted(sandbox.state.requests.items())
        if vendor in DESTINATION_VENDORS
    }


def _table(title: str, columns: list[str], rows: list[tuple]) -> Table:
    table = Table(title=title, title_justify="left")
    cells = [tuple(f"{value:,}" if isinstance(value, int) else str(value) for value in row) for row in rows]
    for position, column in enumerate(columns):
        numeric = bool(rows) and all(isinstance(row[position], int | float | Decimal) for row in rows)
        widest = max((len(cell[position]) for cell in cells), default=0)
        # Short cells (counts, rates, kinds) keep their width on a narrow terminal and their headings wrap;
        # long names give way first.
        short = widest <= SHORT_CELL
        table.add_column(
            column,
            justify="right" if numeric else "left",
            min_width=widest if short else min(widest, LONG_CELL_MIN),
            overflow="ellipsis",
        )
    for cell in cells:
        table.add_row(*cell)
    return table


SHORT_CELL = 12
LONG_CELL_MIN = 16


def print_summary(
    console: Console, warehouse: Path, sent: SendReport, received: dict[str, int], truth: dict | None = None
) -> None:
    connection = connect(warehouse)
    if connection is None:
        console.print("[red]no warehouse was written[/]")
        return
    with connection:
        if "messages" in tables_in(connection, "raw_events"):
            columns = ["source", "kind", "messages", "distinct ids", "first day", "last day"]
            console.print(
                _table("Events by source (raw_events.messages)", columns, events_by_source(connection))
            )
        if sent.failed:
            console.print(f"[red]refused by the collector: {dict(sent.failed)}[/] {sent.errors[:3]}")
        columns, rows = chart_data.campaign_rows(connection)
        if rows:
            console.print(_funnel_table(columns, rows))
        else:
            console.print("[yellow]no email funnel mart in the warehouse yet[/]")
        console.print(_table("Audiences", ["audience", "members"], audience_sizes(connection)))
        if "audience_sync_log" in tables_in(connection, "pipeline"):
            console.print(_sync_log_table(connection))
        if truth is not None:
            _print_verdicts(console, verify(connection, truth))
    if received:
        rows = list(received.items())
        console.print(
            _table("Requests the destination stand-ins received", ["destination", "requests"], rows)
        )


FUNNEL_COLUMNS = {  # mart column -> heading on the console
    "source_name": "source",
    "campaign_name": "campaign",
    "sent": "sent",
    "delivered": "delivered",
    "unique_human_openers": "opened",
    "unique_clickers": "clicked",
    "conversions": "converted",
    "open_rate": "open rate",
    "click_rate": "click rate",
}


def _funnel_table(columns: list[str], rows: list[tuple]) -> Table:
    positions = [columns.index(column) for column in FUNNEL_COLUMNS]
    shown = [_percent(tuple(row[p] for p in positions)) for row in rows]
    table = _table(
        f"Email funnel per campaign ({chart_data.EMAIL_CAMPAIGNS})", list(FUNNEL_COLUMNS.values()), shown
    )
    return table


def _percent(row: tuple) -> tuple:
    return tuple(f"{float(value):.1%}" if isinstance(value, float | Decimal) else value for value in row)


SYNC_COLUMNS = ("audience", "destination", "status", "members", "added", "removed", "reason")


def _sync_log_table(connection) -> Table:
    """One row per sync run, in the order they ran."""
    rows = [
        (
            run.audience,
            run.destination,
            run.status,
            run.members,
            run.added,
            run.removed,
            (run.reason or "")[:90],
        )
        for run in reversed(sync_runs(connection))
    ]
    return _table("Audience syncs (interaction-pipeline audiences history NAME)", list(SYNC_COLUMNS), rows)


def _print_verdicts(console: Console, verdicts) -> None:
    console.print("[bold]Checked against the story's ground truth[/] (demo/ground_truth.json)")
    for verdict in verdicts:
        mark = "[green]✓[/]" if verdict.ok else "[yellow]≠[/]"
        console.print(f"  {mark} {verdict.check}: {verdict.detail}")
    if not all(verdict.ok for verdict in verdicts):
        console.print(
            "  [yellow]differences are expected when the story's 6-month windows have moved since "
            "its first run (make clean starts a fresh story)[/]"
        )
