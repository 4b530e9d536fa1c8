"""`interaction-pipeline report`: write the static HTML report from the warehouse."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write the HTML (default: <home>/exports/report.html).",
)
def report(output: str | None) -> None:
    """Write a static HTML report (email funnels, engagement, audiences, sync history) from the warehouse."""
    from interaction_pipeline.reporting.report import NoWarehouse, write_report

    try:
        path = write_report(Path(output) if output else None)
    except NoWarehouse as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"report written to {path}")
