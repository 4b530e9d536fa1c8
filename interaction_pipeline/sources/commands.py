"""`interaction-pipeline sources sync [NAME]`: run object syncs from the command line, with progress bars."""

from __future__ import annotations

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from interaction_pipeline import settings
from interaction_pipeline.sources.endpoints import unreachable_sandbox
from interaction_pipeline.sources.report import SyncReport
from interaction_pipeline.sources.sync import SyncOutcome, parse_targets, sync_targets
from interaction_pipeline.warehouse import engine


@click.command()
@click.argument("name", required=False)
def sync(name: str | None) -> None:
    """Sync object sources into the warehouse.

    NAME is a source (stripe, zendesk, salesforce) or one collection (stripe/customers); all when omitted.
    Sources without credentials sync from the sandbox (INTERACTION_PIPELINE_SANDBOX_URL).
    """
    try:
        targets = parse_targets(name)
    except ValueError as problem:
        raise click.BadParameter(str(problem), param_hint="NAME") from problem
    warehouse = engine.current()
    settings.paths().home.mkdir(parents=True, exist_ok=True)
    console = Console()
    without_sandbox = unreachable_sandbox({source for source, _ in targets})
    if without_sandbox:
        sources, message = without_sandbox
        targets = [target for target in targets if target[0] not in sources]
        if not targets:
            raise click.ClickException(message)
        console.print(f"[red]{message}[/red]", highlight=False)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description:<28}"),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
    )
    with warehouse.connect() as conn, Progress(*columns, console=console) as progress:
        tasks = {
            target: progress.add_task("/".join(target), total=None, status="waiting") for target in targets
        }

        def show(report: SyncReport) -> None:
            progress.update(
                tasks[(report.source, report.collection)],
                status=f"{report.mode}: {report.records:,} records, {report.pages:,} pages",
            )

        outcomes = sync_targets(conn, targets, progress=show)
        for outcome in outcomes:
            task = tasks[(outcome.source, outcome.collection)]
            status = "[red]failed[/red]" if outcome.error else f"[green]{_summary(outcome.report)}[/green]"
            progress.update(task, status=status, total=1, completed=1)
    console.print(_table(outcomes))
    # A source that cannot authenticate fails every collection the same way: its reason is said once.
    failed: dict[str, list[str]] = {}
    for outcome in outcomes:
        if outcome.error:
            failed.setdefault(outcome.error, []).append(f"{outcome.source}/{outcome.collection}")
    for error, names in failed.items():
        console.print(f"[red]{', '.join(names)}:[/red] {error}", highlight=False)
    if failed or without_sandbox:
        raise SystemExit(1)


def _summary(report: SyncReport) -> str:
    return f"{report.mode}: {report.written:,} written, {report.deleted:,} deleted"


def _table(outcomes: list[SyncOutcome]) -> Table:
    table = Table(title=f"object syncs into {engine.current().describe()}")
    for column in ("collection", "endpoint", "mode"):
        table.add_column(column, no_wrap=True)
    for column in ("fetched", "written", "deleted", "requests", "seconds"):
        table.add_column(column, justify="right")
    for outcome in outcomes:
        report = outcome.report
        if report is None:
            table.add_row(f"{outcome.source}/{outcome.collection}", "", "[red]failed[/red]", *[""] * 5)
            continue
        table.add_row(
            f"{outcome.source}/{outcome.collection}",
            report.endpoint,
            report.mode,
            f"{report.records:,}",
            f"{report.written:,}",
            f"{report.deleted:,}",
            str(report.requests),
            f"{report.seconds:.2f}",
        )
    return table
